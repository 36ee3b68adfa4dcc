/*
 * The floor nscope's scanner is measured against: the least work one pass over /proc can do.
 *   floor min  [PROCFS]   for each pid: read stat and cgroup                 (a steady pass)
 *   floor cold [PROCFS]   for each pid: also status and the 8 namespace links (a first pass)
 * With FLOOR_CGROUP_FILES=LIST (one path a line) each pass also reads every file in LIST: the
 * containers' cgroup stat files, which both of the figures include.
 * Prints: processes=N files=F ms=X (wall time of one pass, best of RUNS=5 by default).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char buf[65536];

static long slurp(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    long total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) total += n;
    close(fd);
    return total;
}

static char **cgroup_files;
static int cgroup_file_count;

static void load_cgroup_files(const char *list) {
    FILE *f = fopen(list, "r");
    if (!f) { perror(list); exit(2); }
    char line[1024];
    int cap = 1024;
    cgroup_files = malloc(cap * sizeof *cgroup_files);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0]) continue;
        if (cgroup_file_count == cap) cgroup_files = realloc(cgroup_files, (cap *= 2) * sizeof *cgroup_files);
        cgroup_files[cgroup_file_count++] = strdup(line);
    }
    fclose(f);
}

static int pass(const char *procfs, int cold) {
    static const char *ns[] = {"pid", "net", "mnt", "uts", "ipc", "user", "cgroup", "time"};
    DIR *d = opendir(procfs);
    if (!d) { perror(procfs); exit(2); }
    struct dirent *e;
    char path[512], link[128];
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        snprintf(path, sizeof path, "%s/%s/stat", procfs, e->d_name);
        if (slurp(path) < 0) continue;
        snprintf(path, sizeof path, "%s/%s/cgroup", procfs, e->d_name);
        slurp(path);
        if (cold) {
            snprintf(path, sizeof path, "%s/%s/status", procfs, e->d_name);
            slurp(path);
            for (int i = 0; i < 8; i++) {
                snprintf(path, sizeof path, "%s/%s/ns/%s", procfs, e->d_name, ns[i]);
                readlink(path, link, sizeof link);
            }
        }
        n++;
    }
    closedir(d);
    for (int i = 0; i < cgroup_file_count; i++) slurp(cgroup_files[i]);
    return n;
}

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "min") && strcmp(argv[1], "cold"))) {
        fprintf(stderr, "usage: floor min|cold [PROCFS]\n");
        return 2;
    }
    const char *procfs = argc > 2 ? argv[2] : "/proc";
    int cold = !strcmp(argv[1], "cold");
    if (getenv("FLOOR_CGROUP_FILES")) load_cgroup_files(getenv("FLOOR_CGROUP_FILES"));
    int runs = getenv("RUNS") ? atoi(getenv("RUNS")) : 5;
    double best = 1e18;
    int n = 0;
    for (int r = 0; r < runs; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        n = pass(procfs, cold);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
        if (ms < best) best = ms;
    }
    printf("processes=%d files=%d ms=%.1f\n", n, cgroup_file_count, best);
    return 0;
}
