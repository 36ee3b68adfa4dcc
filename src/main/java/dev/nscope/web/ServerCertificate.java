package dev.nscope.web;

import dev.nscope.settings.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.context.SmartLifecycle;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The certificate and key the agent serves, kept in step with their files, as the exporters' toolkit reads
 * them afresh: cert-manager renews a certificate in place, and in Kubernetes the files are links through a
 * {@code ..data} link to a directory that the kubelet swaps atomically. The directories of both files, as
 * named and as their links resolve, are watched; after a change has been quiet for {@link #QUIET} the pair is
 * read again through the same checks as at start, and when it differs it replaces the served one (an SSL
 * bundle update: Tomcat takes it for new connections). A pair caught half-written (the new certificate
 * with the old key) is read again after {@link #SETTLE} and only then reported, on one line, while the old one
 * is still served. Files are also read again every {@link #RECHECK}, for file systems that send no events.
 *
 * <p>While the served certificate has expired (or is not yet valid) it is served all the same, with a log line
 * and an entry in {@code node.warnings} (a source of {@link dev.nscope.snapshot.AgentWarnings}).
 */
public final class ServerCertificate implements SslBundleRegistrar, SmartLifecycle, Supplier<String> {
    private static final Logger log = LoggerFactory.getLogger(ServerCertificate.class);
    /** The SSL bundle the web server takes its certificate from. */
    public static final String BUNDLE = "nscope-web";
    static final Duration QUIET = Duration.ofMillis(500);
    static final Duration SETTLE = Duration.ofSeconds(2);
    static final Duration RECHECK = Duration.ofSeconds(60);

    private final WebConfig.Tls tls;
    private final String where;
    private final Clock clock;
    private volatile PemPair current;
    private volatile SslBundleRegistry registry;
    private final Map<Path, WatchKey> watched = new HashMap<>();
    private WatchService watcher;
    private Thread thread;
    private volatile boolean running;
    private int failures;
    private String loggedValidity;

    /** @param config the web config; without {@code tls_server_config} this does nothing */
    public ServerCertificate(WebConfig config, Clock clock) {
        this.tls = config.tls();
        this.where = "nscope.web.config-file " + config.file();
        this.clock = clock;
        if (tls != null) {
            current = PemPair.read(tls.certFile(), tls.keyFile(), where);
            logValidity();
        }
    }

    @Override
    public void registerBundles(SslBundleRegistry registry) {
        if (tls != null) {
            this.registry = registry;
            registry.registerBundle(BUNDLE, bundle(current));
        }
    }

    private SslBundle bundle(PemPair pair) {
        return SslBundle.of(new PemSslStoreBundle(PemSslStore.of(pair.chain(), pair.key()), null), null,
                SslOptions.of(null, Set.copyOf(tls.protocols())));
    }

    /** The warning while the served certificate is out of its validity, else null. */
    @Override
    public String get() {
        PemPair pair = current;
        if (pair == null) {
            return null;
        }
        X509Certificate c = pair.certificate();
        Instant now = clock.instant();
        if (now.isAfter(c.getNotAfter().toInstant())) {
            return "TLS certificate " + tls.certFile() + " expired at " + c.getNotAfter().toInstant()
                    + ": clients that check it refuse the connection; renew it (nscope reloads it when the file changes)";
        }
        if (now.isBefore(c.getNotBefore().toInstant())) {
            return "TLS certificate " + tls.certFile() + " is not valid before " + c.getNotBefore().toInstant()
                    + ": clients that check it refuse the connection";
        }
        return null;
    }

    private void logValidity() {
        String w = get();
        if (w != null && !w.equals(loggedValidity)) {
            log.warn("{}", w);
        }
        loggedValidity = w;
    }

    /** Reads the pair again and serves it if it changed; what cannot be read is reported once it has persisted a while. */
    synchronized void check() {
        PemPair next;
        try {
            next = PemPair.read(tls.certFile(), tls.keyFile(), where);
        } catch (InvalidConfigurationException e) {
            if (++failures == 2) {
                log.warn("TLS certificate not reloaded, still serving the one valid until {}: {}",
                        current.certificate().getNotAfter().toInstant(), e.getMessage());
            }
            return;
        }
        failures = 0;
        if (!same(next, current)) {
            current = next;
            if (registry != null) {
                registry.updateBundle(BUNDLE, bundle(next));
            }
            log.info("TLS certificate reloaded from {}: {}, valid until {}", tls.certFile(),
                    next.certificate().getSubjectX500Principal().getName(), next.certificate().getNotAfter().toInstant());
        }
        logValidity();
    }

    static boolean same(PemPair a, PemPair b) {
        if (a.chain().size() != b.chain().size() || !Arrays.equals(a.key().getEncoded(), b.key().getEncoded())) {
            return false;
        }
        try {
            for (int i = 0; i < a.chain().size(); i++) {
                if (!Arrays.equals(a.chain().get(i).getEncoded(), b.chain().get(i).getEncoded())) {
                    return false;
                }
            }
            return true;
        } catch (CertificateEncodingException e) {
            return false;
        }
    }

    @Override
    public void start() {
        if (tls == null) {
            return;
        }
        try {
            watcher = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("TLS certificate files cannot be watched ({}): they are read again every {}", e.toString(), RECHECK);
        }
        running = true;
        thread = new Thread(this::watch, "nscope-tls-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        while (running) {
            try {
                watchDirectories();
                Duration wait = failures == 1 ? SETTLE : RECHECK;
                if (watcher == null) {
                    Thread.sleep(wait.toMillis());
                } else if (drain(watcher.poll(wait.toMillis(), TimeUnit.MILLISECONDS))) {
                    // let a rotation finish: every file of it written, the old directory removed
                    do {
                        Thread.sleep(QUIET.toMillis());
                    } while (drain(watcher.poll()));
                }
                check();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("TLS certificate check failed: {}", e.toString());
            }
        }
    }

    private static boolean drain(WatchKey key) {
        if (key == null) {
            return false;
        }
        key.pollEvents();
        key.reset();
        return true;
    }

    /** Watches the directories of both files as named and as their links resolve now (the kubelet's current ..data). */
    private void watchDirectories() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path f : new Path[] {tls.certFile(), tls.keyFile()}) {
            dirs.add(f.getParent());
            try {
                dirs.add(f.toRealPath().getParent());
            } catch (IOException e) {
                // gone for now (mid-rotation): the named directory is watched
            }
        }
        watched.entrySet().removeIf(e -> {
            boolean drop = !dirs.contains(e.getKey()) || !e.getValue().isValid();
            if (drop) {
                e.getValue().cancel();
            }
            return drop;
        });
        for (Path d : dirs) {
            if (watcher != null && d != null && !watched.containsKey(d)) {
                try {
                    watched.put(d, d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE));
                } catch (IOException e) {
                    // not there now; tried again at the next check
                }
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                // closing
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
