package dev.nscope.web;

import dev.nscope.testing.DockerTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page polls the document every 5 s; an agent that scans less often serves the same snapshot to
 * several polls. A rate (the table's CPU) needs two different snapshots: once shown it stays shown, and
 * does not flip to "–" at every poll that brought nothing new.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "nscope.scan-interval=12s")
class PageRatesBrowserTest {
    static org.testcontainers.containers.GenericContainer<?> busy;
    static Browser browser;

    @LocalServerPort
    int port;

    @BeforeAll
    static void start() throws Exception {
        DockerTests.requireDocker();
        Browser.require();
        busy = DockerTests.container("rates-busy", h -> h.withNanoCPUs(200_000_000L), "sh", "-c", "yes > /dev/null");
        busy.start();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (busy != null) {
            busy.stop();
        }
    }

    @Test
    void aRateOnceShownStaysShownBetweenScans() throws Exception {
        String id = busy.getContainerId();
        browser.driver.get("http://127.0.0.1:" + port + "/");
        String cell = "#containers-table tbody tr[data-id='" + id + "'] td[data-col='cpu']";
        // two scans 12 s apart, and a poll after the second
        browser.until(d -> !browser.all(cell).isEmpty() && !browser.one(cell).getText().equals("–"), 60);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 16; i++) { // three polls and more, across the next scan
            seen.add(browser.read(() -> browser.driver.findElement(By.cssSelector(cell)).getText()));
            Thread.sleep(1000);
        }
        assertThat(seen).as("the CPU cell, once a second").doesNotContain("–");
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
