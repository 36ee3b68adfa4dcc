package dev.nscope.testing;

import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * The agent's first scan runs in the background once it has started, so a test of a running agent
 * ({@code @SpringBootTest}) waits for the first snapshot before it asks for it: a busy machine may start
 * the test before the scan is done. Registered for every test class (autodetected); it does nothing for
 * the others.
 */
public final class FirstSnapshot implements BeforeEachCallback {
    static final long WAIT_MILLIS = 60_000;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!AnnotationSupport.isAnnotated(context.getRequiredTestClass(), SpringBootTest.class)) {
            return;
        }
        ApplicationContext app = SpringExtension.getApplicationContext(context);
        if (app.getBeanProvider(ScanService.class).getIfAvailable() == null) {
            return;
        }
        SnapshotStore store = app.getBean(SnapshotStore.class);
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        while (store.latest() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
