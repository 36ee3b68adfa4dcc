package dev.nscope.settings;

import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.validation.MessageInterpolatorFactory;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

/**
 * The {@code nscope.*} properties bound and checked without an application context: before the agent's
 * context starts, so a bad value is one line and exit 2 within about a second instead of after the context's
 * start, and for the one-shot commands, which need no context at all. The environment is built
 * as Spring Boot builds it (the command line, system properties, {@code NSCOPE_*} variables, then the
 * {@code application.properties} files of the usual locations), the record is bound with Boot's
 * {@link Binder} and checked with its own constraints through the same validator Boot uses, and the procfs is
 * checked as the scanner's start checks it: each problem is the exception the context would throw, and
 * {@link ConfigurationProblem#of} makes it the same line. The agent's context binds again; this check only
 * answers sooner. Logging is off meanwhile ({@link QuietLogging}).
 */
public final class PropertiesCheck {
    private PropertiesCheck() {
    }

    /**
     * The properties the arguments and the environment give, checked; throws what the context would throw
     * for the same configuration (see {@link ConfigurationProblem#of}).
     */
    public static NscopeProperties bind(String[] args) {
        try (QuietLogging quiet = QuietLogging.start()) {
            return check(args);
        }
    }

    private static NscopeProperties check(String[] args) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        ConfigDataEnvironmentPostProcessor.applyTo(env);
        ConfigurationPropertySources.attach(env);
        LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
        validator.setMessageInterpolator(new MessageInterpolatorFactory().getObject());
        validator.afterPropertiesSet();
        try {
            BindHandler handler = new ValidationBindHandler(validator);
            NscopeProperties p = Binder.get(env).bindOrCreate("nscope", Bindable.of(NscopeProperties.class), handler);
            ScanSettings.hostPaths(p);
            return p;
        } finally {
            validator.close();
        }
    }
}
