package dev.nscope.deploy;

import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The project's {@code Dockerfile}, read by the tests that stand in for building it (no base image can
 * be pulled here): its stages' instructions, and the ENTRYPOINT's JVM flags. Reading them from the file
 * makes those tests break when the file changes under them.
 */
record Dockerfile(List<Stage> stages) {
    static final Path FILE = Path.of("Dockerfile");

    /** One {@code FROM} stage: its WORKDIR and its instructions ({@code KEYWORD rest}), continuations joined. */
    record Stage(String name, String workdir, List<String[]> instructions) {
        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
        }

        /** The one RUN whose command contains {@code marker}. */
        String run(String marker) {
            List<String> runs = all("RUN").stream().filter(r -> r.contains(marker)).toList();
            if (runs.size() != 1) {
                throw new AssertionError("expected one RUN with " + marker + " in stage " + name + ", found " + runs);
            }
            return runs.get(0);
        }
    }

    static Dockerfile read() throws IOException {
        List<Stage> stages = new ArrayList<>();
        String text = Files.readString(FILE).replace("\\\n", " ");
        String name = null;
        String workdir = "/";
        List<String[]> instructions = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            String keyword = kv[0].toUpperCase();
            String rest = kv.length > 1 ? kv[1] : "";
            if (keyword.equals("FROM")) {
                if (instructions != null) {
                    stages.add(new Stage(name, workdir, instructions));
                }
                String[] f = rest.split("\\s+");
                name = f.length == 3 && f[1].equalsIgnoreCase("AS") ? f[2] : "stage" + stages.size();
                workdir = "/";
                instructions = new ArrayList<>();
            } else if (instructions != null) {
                if (keyword.equals("WORKDIR")) {
                    workdir = rest;
                }
                instructions.add(new String[] {keyword, rest});
            }
        }
        if (instructions != null) {
            stages.add(new Stage(name, workdir, instructions));
        }
        return new Dockerfile(stages);
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name));
    }

    /** The image's stage: the last. */
    Stage last() {
        return stages.get(stages.size() - 1);
    }

    /** The ENTRYPOINT of the image, in exec form (a JSON array); fails on the shell form. */
    List<String> entrypoint() {
        List<String> e = last().all("ENTRYPOINT");
        if (e.size() != 1 || !e.get(0).startsWith("[")) {
            throw new AssertionError("expected one ENTRYPOINT in exec form, found " + e);
        }
        return Arrays.asList(new JsonMapper().readValue(e.get(0), String[].class));
    }

    /** The image's {@code ENV KEY=VALUE} settings (the {@code KEY=VALUE} form only). */
    java.util.Map<String, String> env() {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String e : last().all("ENV")) {
            for (String pair : e.split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new AssertionError("expected ENV KEY=VALUE, found " + e);
                }
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return env;
    }

    /** The ENTRYPOINT's JVM flags: everything between {@code java} and {@code -jar}. */
    List<String> jvmFlags() {
        List<String> e = entrypoint();
        int jar = e.indexOf("-jar");
        if (!e.get(0).equals("java") || jar < 0) {
            throw new AssertionError("expected ENTRYPOINT [\"java\", flags…, \"-jar\", jar], found " + e);
        }
        return List.copyOf(e.subList(1, jar));
    }
}
