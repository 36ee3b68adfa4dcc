package dev.nscope.container;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime recognizers, each a small named unit, in the fixed order {@link CgroupPathRecognizer}
 * tries them on a segment. Shapes (systemd driver / cgroupfs driver):
 * <pre>
 * docker       /system.slice/docker-&lt;id&gt;.scope           /docker/&lt;id&gt;
 * containerd   …/kubepods-&lt;qos&gt;-pod&lt;uid&gt;.slice/cri-containerd-&lt;id&gt;.scope   /kubepods/&lt;qos&gt;/pod&lt;uid&gt;/&lt;id&gt;
 * cri-o        …/crio-&lt;id&gt;.scope   …/pod&lt;uid&gt;/crio-&lt;id&gt;   (crio-conmon-&lt;id&gt; is the monitor)
 * podman       /machine.slice/libpod-&lt;id&gt;.scope, rootless under user@UID.service   /libpod_parent/libpod-&lt;id&gt;
 *              (libpod-conmon-&lt;id&gt; is the monitor)
 * lxc          /lxc.payload.&lt;name&gt;   /lxc/&lt;name&gt;   (lxc.monitor.&lt;name&gt; is the monitor)
 * nspawn       /machine.slice/machine-&lt;name&gt;.scope   /machine.slice/systemd-nspawn@&lt;name&gt;.service
 * </pre>
 * Ids of docker, containerd, CRI-O and podman are 64 lowercase hex digits; names of LXC and nspawn
 * containers are limited to {@code [A-Za-z0-9._+-]} after systemd unescaping. Anything else is not
 * claimed, so a crafted cgroup name can never become a path outside a runtime's state directory.
 */
public final class Recognizers {
    private Recognizers() {
    }

    static final String HEX64 = "[0-9a-f]{64}";
    /** A pod UID (36 chars with '-' or '_' as systemd writes it) or a static pod's 32-hex hash. */
    private static final Pattern POD = Pattern.compile(
            "^(?:.*-)?pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}|[0-9a-f]{32})(?:\\.slice)?$");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");

    private static final Pattern CRI_CONTAINERD = Pattern.compile("cri-containerd-(" + HEX64 + ")\\.scope");
    private static final Pattern CRIO = Pattern.compile("crio-(" + HEX64 + ")(?:\\.scope)?");
    private static final Pattern DOCKER_SCOPE = Pattern.compile("docker-(" + HEX64 + ")\\.scope");
    private static final Pattern PODMAN = Pattern.compile("libpod-(" + HEX64 + ")(?:\\.scope)?");
    private static final Pattern BARE_ID = Pattern.compile(HEX64);
    private static final Pattern LXC_PAYLOAD = Pattern.compile("lxc\\.payload\\.(.+)");
    private static final Pattern NSPAWN_SCOPE = Pattern.compile("machine-(.+)\\.scope");
    private static final Pattern NSPAWN_SERVICE = Pattern.compile("systemd-nspawn@(.+)\\.service");

    /** All recognizers in the order they are tried. */
    public static List<RuntimeRecognizer> defaults() {
        return List.of(Recognizers::containerdSystemd, Recognizers::crio, Recognizers::dockerSystemd,
                Recognizers::podman, Recognizers::dockerCgroupfs, Recognizers::kubeletCgroupfs,
                Recognizers::lxc, Recognizers::nspawn);
    }

    /** {@code cri-containerd-<id>.scope}, under a pod slice. */
    static CgroupClaim containerdSystemd(String[] s, int i) {
        Matcher m = CRI_CONTAINERD.matcher(s[i]);
        return m.matches() ? claim(Runtime.CONTAINERD, m.group(1), s, i, null) : null;
    }

    /** {@code crio-<id>.scope} (systemd) or {@code crio-<id>} (cgroupfs). */
    static CgroupClaim crio(String[] s, int i) {
        Matcher m = CRIO.matcher(s[i]);
        return m.matches() ? claim(Runtime.CRIO, m.group(1), s, i, null) : null;
    }

    /** {@code docker-<id>.scope}: Docker with the systemd driver, rootless Docker too. */
    static CgroupClaim dockerSystemd(String[] s, int i) {
        Matcher m = DOCKER_SCOPE.matcher(s[i]);
        return m.matches() ? claim(Runtime.DOCKER, m.group(1), s, i, null) : null;
    }

    /** {@code libpod-<id>.scope} or {@code libpod-<id>} (cgroupfs, under libpod_parent). */
    static CgroupClaim podman(String[] s, int i) {
        Matcher m = PODMAN.matcher(s[i]);
        return m.matches() ? claim(Runtime.PODMAN, m.group(1), s, i, null) : null;
    }

    /** {@code /docker/<id>}: Docker with the cgroupfs driver (also nested, Docker in Docker). */
    static CgroupClaim dockerCgroupfs(String[] s, int i) {
        return i > 0 && s[i - 1].equals("docker") && BARE_ID.matcher(s[i]).matches()
                ? claim(Runtime.DOCKER, s[i], s, i, null) : null;
    }

    /** {@code /kubepods/<qos>/pod<uid>/<id>}: a CRI container under the kubelet's cgroupfs driver. */
    static CgroupClaim kubeletCgroupfs(String[] s, int i) {
        return i > 0 && POD.matcher(s[i - 1]).matches() && BARE_ID.matcher(s[i]).matches()
                ? claim(Runtime.CONTAINERD, s[i], s, i, null) : null;
    }

    /** {@code lxc.payload.<name>} (LXC 4+) or {@code /lxc/<name>} (older). */
    static CgroupClaim lxc(String[] s, int i) {
        String name = null;
        Matcher m = LXC_PAYLOAD.matcher(s[i]);
        if (m.matches()) {
            name = m.group(1);
        } else if (i > 0 && s[i - 1].equals("lxc")) {
            name = s[i];
        }
        return name != null && NAME.matcher(name).matches() ? claim(Runtime.LXC, name, s, i, name) : null;
    }

    /** {@code machine-<name>.scope} under machine.slice, or {@code systemd-nspawn@<name>.service}. */
    static CgroupClaim nspawn(String[] s, int i) {
        String raw = null;
        Matcher m = NSPAWN_SERVICE.matcher(s[i]);
        if (m.matches()) {
            raw = m.group(1);
        } else if (i > 0 && s[i - 1].equals("machine.slice")) {
            m = NSPAWN_SCOPE.matcher(s[i]);
            if (m.matches()) {
                raw = m.group(1);
            }
        }
        if (raw == null) {
            return null;
        }
        String name = unescapeSystemd(raw);
        // libvirt's virtual machines also live in machine.slice (machine-qemu\x2d1\x2dvm.scope): not containers
        if (name.startsWith("qemu-") || !NAME.matcher(name).matches()) {
            return null;
        }
        return claim(Runtime.NSPAWN, name, s, i, name);
    }

    private static CgroupClaim claim(Runtime runtime, String id, String[] s, int i, String name) {
        return new CgroupClaim(runtime, id, scope(s, i), podUid(s, i), name);
    }

    private static String scope(String[] s, int i) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k <= i; k++) {
            sb.append('/').append(s[k]);
        }
        return sb.toString();
    }

    /** The UID of the nearest pod cgroup above segment {@code i}, with systemd's '_' turned back to '-'. */
    static String podUid(String[] s, int i) {
        for (int k = i - 1; k >= 0; k--) {
            Matcher m = POD.matcher(s[k]);
            if (m.matches()) {
                return m.group(1).replace('_', '-');
            }
        }
        return null;
    }

    /** systemd's unit-name escaping: {@code \x2d} is '-'. */
    static String unescapeSystemd(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x') {
                try {
                    sb.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // keep the backslash as is
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
