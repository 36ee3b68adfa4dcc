package dev.nscope.web;

import dev.nscope.events.ContainerEvent;
import dev.nscope.events.EventRing;
import dev.nscope.scan.KubernetesRef;
import dev.nscope.snapshot.AgentWarnings;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page's Events view and a container's own events in headless Chromium, the agent in this JVM scanning a
 * fixture tree (nothing starts or stops there, so the ring holds what the test adds to the agent's own
 * {@link EventRing} bean). The process events are turned off, which warns of nothing; the test's own source of
 * {@link AgentWarnings} says they are unavailable when it wants the page's other empty state. The methods run in
 * order: the empty ring first.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventsPageBrowserTest {
    static final Path ROOT = Fixtures.unpack(Fixtures.V1_DOCKER);
    static final AtomicBoolean POLLING_ONLY = new AtomicBoolean();
    static final String GONE = "dead0000beef" + "0".repeat(52);
    static final String GONE_OK = "0b0b" + "1".repeat(60);
    static final String GONE_FAILED = "0c0c" + "2".repeat(60);
    static final String LATE = "0d0d" + "3".repeat(60);
    static Browser browser;
    static boolean warningAdded;

    @DynamicPropertySource
    static void fixture(DynamicPropertyRegistry r) {
        r.add("nscope.procfs", () -> ROOT.resolve("proc").toString());
        r.add("nscope.sysfs", () -> ROOT.resolve("sys").toString());
        r.add("nscope.runtime.docker-root", () -> ROOT.resolve("var/lib/docker").toString());
        r.add("nscope.scan-interval", () -> "200ms");
        r.add("nscope.events.enabled", () -> "false");
    }

    @LocalServerPort
    int port;

    @Autowired
    EventRing ring;

    @Autowired
    AgentWarnings warnings;

    @BeforeAll
    static void start() throws Exception {
        Browser.require();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void warningSource() {
        if (!warningAdded) {
            warnings.add(() -> POLLING_ONLY.get() ? "process events unavailable: the test says so; polling only (new containers are "
                    + "seen at the next scan, how containers stop is not known)" : null);
            warningAdded = true;
        }
    }

    @AfterEach
    void noErrorsInTheConsole() {
        POLLING_ONLY.set(false);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /** Loads the page afresh (from another page: a change of the hash alone would not reload it). */
    void open(String hash) {
        browser.driver.get("about:blank");
        browser.driver.get("http://127.0.0.1:" + port + "/" + hash);
        browser.until(d -> "true".equals(browser.one("body").getAttribute("data-ready")), 20);
    }

    /** A container of the document that is on the node now. */
    JsonNode liveContainer() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/containers")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        for (JsonNode c : new JsonMapper().readTree(r.body()).get("containers")) {
            if ("docker".equals(c.get("runtime").asString()) && c.get("pid1").isObject() && !c.get("startedAt").isNull()) {
                return c;
            }
        }
        throw new AssertionError("no docker container with a PID 1 in the fixture's document");
    }

    String emptyReason() {
        return browser.read(() -> browser.all("#events-empty").isEmpty() ? null : browser.one("#events-empty").getAttribute("data-reason"));
    }

    @SuppressWarnings("unchecked")
    List<String> rows(String attribute) {
        return (List<String>) browser.js("return [...document.querySelectorAll('#events-table tbody tr[data-seq]')]"
                + ".map(r => r.getAttribute(arguments[0]));", attribute);
    }

    WebElement row(long seq) {
        return browser.one("#events-table tbody tr[data-seq='" + seq + "']");
    }

    static ContainerEvent event(Instant time, String type, String id, String name, ContainerEvent.Pid1 pid1, Integer exitCode,
                                String exitSignal, String outcome, List<String> confirms, Double lifetime) {
        return new ContainerEvent(0, time, type, id, name, "docker", null, pid1, exitCode, exitSignal, outcome, confirms, lifetime);
    }

    @Test
    @Order(1)
    void withNoEventsThePageSaysWhy() {
        assertThat(ring.lastSeq()).as("a fixture tree starts and stops nothing").isZero();
        open("#/events");
        assertThat(browser.one("nav a[data-view='events']").getAttribute("class")).contains("active");
        browser.until(d -> "none".equals(emptyReason()), 10);
        assertThat(browser.one("#events-empty").getText()).isEqualTo("No container events since the agent started.");
        assertThat(browser.one("#events-count").getText()).isEqualTo("0 of 0 events");

        // the agent cannot listen to the process events: the page says it polls only, at its next read of the document
        POLLING_ONLY.set(true);
        browser.until(d -> "polling".equals(emptyReason()), 20);
        assertThat(browser.one("#events-empty").getText()).contains("polls only", "how a container stops is not known");
        assertThat(browser.one("#warnings").getText()).contains("process events unavailable: the test says so");
        browser.screenshot("events-empty", 600);
    }

    @Test
    @Order(2)
    void theTimelineShowsTheRingNewestFirstFiltersAndFollows() throws Exception {
        JsonNode live = liveContainer();
        String id = live.get("id").asString();
        ContainerEvent.Pid1 pid1 = new ContainerEvent.Pid1(live.get("pid1").get("hostPid").asInt(), live.get("pid1").get("comm").asString());
        String name = live.get("name").isNull() ? null : live.get("name").asString();
        Instant now = Instant.now();
        long started = ring.add(event(now.minusSeconds(600), ContainerEvent.STARTED, id, name, pid1, null, null, null, null, null)).seq();
        long killed = ring.add(new ContainerEvent(0, now.minusSeconds(500), ContainerEvent.STOPPED, GONE, "gone-web", "containerd",
                new KubernetesRef("uid-1", "web-0", "shop", "web"), new ContainerEvent.Pid1(4242, "nginx"), null, "SIGKILL",
                ContainerEvent.KILLED, List.of("pid1-sigterm-dropped"), 3725.0)).seq();
        long exited = ring.add(event(now.minusSeconds(400), ContainerEvent.STOPPED, GONE_OK, "batch-job", new ContainerEvent.Pid1(77, "job"),
                0, null, ContainerEvent.EXITED, null, 42.0)).seq();
        long failed = ring.add(event(now.minusSeconds(300), ContainerEvent.STOPPED, GONE_FAILED, "crashy", new ContainerEvent.Pid1(78, "app"),
                3, null, ContainerEvent.EXITED, null, 5.0)).seq();
        long oom = ring.add(event(now.minusSeconds(200), ContainerEvent.OOM_KILL, id, name, pid1, null, "SIGKILL", null, null, null)).seq();
        long restarted = ring.add(event(now.minusSeconds(100), ContainerEvent.PID1_RESTARTED, id, name, pid1, 1, null, null, null, 500.0)).seq();

        open("#/events");
        browser.until(d -> rows("data-seq").size() == 6, 15);
        assertThat(rows("data-seq")).as("newest first").containsExactly(String.valueOf(restarted), String.valueOf(oom),
                String.valueOf(failed), String.valueOf(exited), String.valueOf(killed), String.valueOf(started));
        assertThat(rows("data-type")).containsExactly("pid1-restarted", "oom-kill", "stopped", "stopped", "stopped", "started");
        assertThat(browser.one("#events-count").getText()).isEqualTo("6 of 6 events");

        // a SIGKILL at the stop: red, its signal, how long it lived, the finding it bears out; the container is gone: no link
        WebElement kill = row(killed);
        WebElement badge = kill.findElement(By.cssSelector(".ev"));
        assertThat(badge.getText()).isEqualTo("stopped · killed");
        assertThat(badge.getAttribute("class")).contains("tone-bad");
        assertThat(kill.findElement(By.cssSelector("td.exit")).getText()).isEqualTo("SIGKILL");
        assertThat(kill.getText()).contains("nginx", "1 h 2 min", "dead0000beef", "shop/web-0", "containerd");
        WebElement confirms = kill.findElement(By.cssSelector(".badge.confirms"));
        assertThat(confirms.getAttribute("data-rule")).isEqualTo("pid1-sigterm-dropped");
        assertThat(confirms.getText()).startsWith("confirms ");
        assertThat(kill.findElements(By.cssSelector("td.name a"))).isEmpty();
        assertThat(kill.findElement(By.cssSelector("td.name .gone")).getText()).isEqualTo("gone-web");
        // a clean exit is neutral, a failing one amber
        assertThat(row(exited).findElement(By.cssSelector(".ev")).getAttribute("class")).contains("tone-neutral");
        assertThat(row(exited).findElement(By.cssSelector("td.exit")).getText()).isEqualTo("exit 0");
        assertThat(row(exited).getText()).contains("42 s");
        assertThat(row(failed).findElement(By.cssSelector(".ev")).getAttribute("class")).contains("tone-warn");
        assertThat(row(failed).findElement(By.cssSelector("td.exit")).getText()).isEqualTo("exit 3");
        assertThat(row(oom).findElement(By.cssSelector(".ev")).getAttribute("class")).contains("tone-bad");
        assertThat(row(started).findElement(By.cssSelector(".ev")).getText()).isEqualTo("started");
        assertThat(row(restarted).findElement(By.cssSelector("td.when")).getText()).contains("min ago");
        browser.screenshot("events", 800);

        // the filter: by name, by type, by id, by outcome; none
        WebElement filter = browser.one("#events-filter");
        WebPageBrowserTest.type(filter, "crashy");
        assertThat(rows("data-seq")).containsExactly(String.valueOf(failed));
        WebPageBrowserTest.type(filter, "stopped");
        assertThat(rows("data-type")).containsExactly("stopped", "stopped", "stopped");
        WebPageBrowserTest.type(filter, id.substring(0, 12));
        assertThat(rows("data-id")).hasSize(3).containsOnly(id);
        WebPageBrowserTest.type(filter, "killed");
        assertThat(rows("data-seq")).containsExactly(String.valueOf(killed));
        assertThat(browser.one("#events-count").getText()).isEqualTo("1 of 6 events");
        WebPageBrowserTest.type(filter, "no-such-event-anywhere");
        assertThat(rows("data-seq")).isEmpty();
        assertThat(emptyReason()).isEqualTo("filter");
        WebPageBrowserTest.type(filter, "");
        assertThat(rows("data-seq")).hasSize(6);

        // an event that comes after the page loaded shows without a reload, from a read with ?since= the last number seen
        browser.js("window.notReloaded = true;");
        long late = ring.add(event(Instant.now(), ContainerEvent.STOPPED, LATE, "late-one", new ContainerEvent.Pid1(99, "worker"),
                null, "SIGTERM", ContainerEvent.SIGNALED, null, 12.5)).seq();
        browser.until(d -> rows("data-seq").size() == 7, 15);
        assertThat(rows("data-seq").get(0)).isEqualTo(String.valueOf(late));
        assertThat(row(late).findElement(By.cssSelector(".ev")).getText()).isEqualTo("stopped · signaled");
        assertThat(row(late).findElement(By.cssSelector(".ev")).getAttribute("class")).contains("tone-warn");
        assertThat(browser.js("return window.notReloaded === true;")).isEqualTo(true);
        @SuppressWarnings("unchecked")
        List<String> reads = (List<String>) browser.js("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".filter(n => n.includes('/actuator/containers/events'));");
        assertThat(reads).contains("http://127.0.0.1:" + port + "/actuator/containers/events?since=0",
                "http://127.0.0.1:" + port + "/actuator/containers/events?since=" + restarted);

        // a container still on the node is a link to its page
        WebElement link = row(started).findElement(By.cssSelector("td.name a"));
        assertThat(link.getDomAttribute("href")).isEqualTo("#/container/" + id);
        link.click();
        browser.until(d -> browser.driver.getCurrentUrl().endsWith("#/container/" + id), 10);
        browser.until(d -> !browser.all("#container-id").isEmpty() && id.equals(browser.one("#container-id").getText()), 10);
    }

    @Test
    @Order(3)
    void aContainerShowsWhenItStartedItsRestartsAndItsLastEvents() throws Exception {
        JsonNode live = liveContainer();
        String id = live.get("id").asString();
        open("#/container/" + id);
        browser.until(d -> !browser.all("#container-started").isEmpty(), 15);
        WebElement started = browser.one("#container-started");
        assertThat(started.getText()).startsWith("started ").endsWith(" ago");
        assertThat(started.getAttribute("data-started-at")).isEqualTo(live.get("startedAt").asString());
        assertThat(live.get("restarts").asInt()).isZero();
        assertThat(browser.all("#container-restarts")).as("no restarts, nothing said").isEmpty();

        // its own events from the page's copy of the ring, newest first, its last restart on top
        browser.until(d -> browser.all("#container-events li").size() == 3, 15);
        assertThat(browser.all("#container-events li")).extracting(e -> e.getAttribute("data-type"))
                .containsExactly("pid1-restarted", "oom-kill", "started");
        assertThat(browser.one("#last-outcome").getAttribute("data-type")).isEqualTo("pid1-restarted");
        assertThat(browser.one("#last-outcome").getText()).startsWith("Last restart:").contains("exit 1", "after 8 min 20 s");

        // restarts shown when there are some (a fixture's PID 1 never changes: the page's read of it is given 2)
        browser.js("const id = arguments[0]; const orig = window.fetch;"
                + "window.fetch = async (url, init) => { const r = await orig(url, init);"
                + " if (String(url) !== 'actuator/containers/' + encodeURIComponent(id)) return r;"
                + " const doc = await r.json(); doc.restarts = 2;"
                + " return new Response(JSON.stringify(doc), {status: 200, headers: {'Content-Type': 'application/json'}}); };", id);
        browser.until(d -> !browser.all("#container-restarts").isEmpty(), 15);
        assertThat(browser.one("#container-restarts").getText()).isEqualTo("restarts 2");
        browser.js("document.getElementById('container-events-card').scrollIntoView(); window.scrollBy(0, -120);");
        browser.screenshot("container-events", 1000);

        // a container gone from the node keeps how it stopped
        open("#/container/" + GONE);
        browser.until(d -> !browser.all("#last-outcome").isEmpty(), 15);
        assertThat(browser.one("#last-outcome").getAttribute("data-outcome")).isEqualTo("killed");
        assertThat(browser.one("#last-outcome").getText()).startsWith("Last stop:").contains("stopped · killed", "SIGKILL");
        assertThat(browser.one("#container-events .badge.confirms").getAttribute("data-rule")).isEqualTo("pid1-sigterm-dropped");
        // the 404s of the gone container's reads are the only errors
        browser.driver.get("about:blank");
        assertThat(browser.consoleErrors()).allSatisfy(e -> assertThat(e).contains("404"));
    }
}
