package dev.nscope.web;

import dev.nscope.settings.InvalidConfigurationException;
import dev.nscope.settings.NscopeProperties;
import dev.nscope.snapshot.AgentWarnings;
import jakarta.servlet.Filter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import java.time.Clock;
import java.util.List;

/**
 * Who may read what over HTTP: the web config file ({@code nscope.web.config-file}) turns on TLS (an SSL
 * bundle of Spring Boot's made from the PEM files, reloaded when they change: {@link ServerCertificate}) and
 * basic authentication for everything but {@code /actuator/health}. The file is read and checked when the
 * web server is made (and before, by NscopeApplication), so a bad one stops the agent before it serves
 * anything (one line, exit 2). Paths spelled to mean something else are refused first ({@link RequestPathFilter}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class WebAccessConfiguration {
    private static final Logger log = LoggerFactory.getLogger(WebAccessConfiguration.class);

    @Bean
    WebConfig nscopeWebConfig(NscopeProperties properties, Environment env) {
        if (properties.web().configFile() == null) {
            return WebConfig.NONE;
        }
        WebConfig config = WebConfig.load(properties.web().configFile());
        String where = "nscope.web.config-file " + config.file();
        if (config.tls() != null) {
            for (String p : List.of("server.ssl.bundle", "server.ssl.certificate", "server.ssl.key-store")) {
                if (env.containsProperty(p)) {
                    throw new InvalidConfigurationException(where + " sets TLS and so does " + p + ": use one of them");
                }
            }
        }
        String mgmt = env.getProperty("management.server.port");
        if (mgmt != null && !mgmt.equals(env.getProperty("server.port"))) {
            throw new InvalidConfigurationException(where + " protects the server on server.port; management.server.port="
                    + mgmt + " would serve /actuator beside it, unprotected: remove it");
        }
        log.info("web config {}: {}, {}", config.file(), config.tls() == null ? "plain HTTP" : "TLS " + config.tls().protocols(),
                config.authenticates() ? "basic auth for " + config.users().size() + " user(s) on all but /actuator/health"
                        : "no authentication");
        return config;
    }

    /**
     * The served certificate and key as an SSL bundle, kept in step with their files; its warning (an expired
     * certificate) goes to node.warnings.
     */
    @Bean
    ServerCertificate nscopeServerCertificate(WebConfig config, ObjectProvider<AgentWarnings> warnings) {
        ServerCertificate c = new ServerCertificate(config, Clock.systemUTC());
        warnings.ifAvailable(w -> w.add(c));
        return c;
    }

    /** TLS from the web config, applied after Boot's own customizer has applied the server.* properties. */
    @Bean
    WebServerFactoryCustomizer<ConfigurableWebServerFactory> nscopeTls(WebConfig config) {
        return new TlsCustomizer(config);
    }

    /** Paths spelled to mean something else (dot segments, ';', encoded separators) are refused first, auth or not. */
    @Bean
    FilterRegistrationBean<Filter> nscopeRequestPaths() {
        FilterRegistrationBean<Filter> r = new FilterRegistrationBean<>(new RequestPathFilter());
        r.setName("nscopeRequestPaths");
        r.addUrlPatterns("/*");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return r;
    }

    @Bean
    FilterRegistrationBean<Filter> nscopeBasicAuth(WebConfig config) {
        FilterRegistrationBean<Filter> r = new FilterRegistrationBean<>();
        if (config.authenticates()) {
            r.setFilter(new BasicAuthFilter(config.users()));
        } else {
            // no users: nothing to register
            r.setFilter((request, response, chain) -> chain.doFilter(request, response));
            r.setEnabled(false);
        }
        r.setName("nscopeBasicAuth");
        r.addUrlPatterns("/*");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return r;
    }

    static final class TlsCustomizer implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {
        private final WebConfig config;

        TlsCustomizer(WebConfig config) {
            this.config = config;
        }

        @Override
        public void customize(ConfigurableWebServerFactory factory) {
            WebConfig.Tls tls = config.tls();
            if (tls == null) {
                return;
            }
            // the bundle carries the certificate, the key and the protocols, and is updated when the files change
            Ssl ssl = new Ssl();
            ssl.setEnabled(true);
            ssl.setBundle(ServerCertificate.BUNDLE);
            factory.setSsl(ssl);
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
