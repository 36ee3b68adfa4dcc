package dev.nscope.testing;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

import java.lang.reflect.Method;

/**
 * A class whose {@code @BeforeAll} finds a prerequisite missing ({@link Live#require}) would vanish from the
 * counts: JUnit reports the class as aborted, and the build tool counts no test at all. This extension,
 * registered for every test class (src/test/resources/META-INF/services, autodetection on in
 * junit-platform.properties), keeps the reason instead and aborts each of the class's tests with it, so
 * each shows as skipped, with why. Under {@code CI=true} {@link Live#require} fails rather than aborts, and
 * that failure is reported as it always was.
 */
public final class CountedSkips implements InvocationInterceptor, BeforeEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(CountedSkips.class);
    private static final String REASON = "prerequisite missing";

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                         ExtensionContext context) throws Throwable {
        try {
            invocation.proceed();
        } catch (TestAbortedException e) {
            context.getStore(NS).put(REASON, e.getMessage());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            String reason = c.getStore(NS).get(REASON, String.class);
            if (reason != null) {
                throw new TestAbortedException(reason);
            }
        }
    }
}
