package dev.nscope.web;

import dev.nscope.settings.InvalidConfigurationException;
import org.springframework.boot.ssl.pem.PemContent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A server certificate chain (the server's own first) and its private key, as the web config's
 * {@code tls_server_config} names them: read through the safe open ({@link WebConfig#read}) and checked to
 * belong together, at start and at every reload ({@link ServerCertificate}).
 */
public record PemPair(List<X509Certificate> chain, PrivateKey key) {

    /** The server's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Reads and checks both files; each problem is one line ({@link InvalidConfigurationException}) starting with {@code where}. */
    static PemPair read(Path certFile, Path keyFile, String where) {
        List<X509Certificate> chain;
        try {
            chain = PemContent.of(WebConfig.read(certFile)).getCertificates();
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigurationException(where + ": tls_server_config.cert_file " + certFile + ": " + WebConfig.why(e));
        }
        if (chain == null || chain.isEmpty()) {
            throw new InvalidConfigurationException(where + ": tls_server_config.cert_file " + certFile + " holds no PEM certificate");
        }
        PrivateKey pk;
        try {
            pk = PemContent.of(WebConfig.read(keyFile)).getPrivateKey();
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigurationException(where + ": tls_server_config.key_file " + keyFile + ": " + WebConfig.why(e));
        }
        if (pk == null) {
            throw new InvalidConfigurationException(where + ": tls_server_config.key_file " + keyFile
                    + " holds no unencrypted PEM private key");
        }
        if (!matches(pk, chain.get(0).getPublicKey())) {
            throw new InvalidConfigurationException(where + ": tls_server_config.key_file " + keyFile
                    + " is not the key of the certificate in cert_file " + certFile);
        }
        return new PemPair(List.copyOf(chain), pk);
    }

    /** Whether the private key belongs to the public key: a signature made with one verifies with the other. */
    static boolean matches(PrivateKey key, PublicKey pub) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (alg == null) {
            // a key type nscope cannot check here; the TLS handshake will
            return key.getAlgorithm().equals(pub.getAlgorithm());
        }
        try {
            byte[] probe = "nscope key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
