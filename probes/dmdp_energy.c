/*
 * dmdp_energy.c -- energy per phase from the Linux powercap framework
 * (/sys/class/powercap/<zone>/energy_uj: RAPL package, core, dram ... on
 * Intel, and the package/core domains on AMD since Linux 5.8).  Debian's
 * PAPI is built without its powercap and rapl components, so the probes read
 * the same files PAPI's powercap component would.  Only zones with an
 * energy_uj file count; the counter wraps at max_energy_range_uj.  The files
 * stay open and are re-read with pread at offset 0 (sysfs regenerates the
 * value on each read): two system calls fewer per zone and transition.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmdp_int.h"

static int dmdp__read_ll(const char *path, long long *v)
{
    FILE *f = fopen(path, "r");
    if (!f) return -errno;
    int ok = fscanf(f, "%lld", v) == 1;
    fclose(f);
    return ok ? 0 : -EINVAL;
}

static int dmdp__zone_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int dmdp__energy_open(dmdp__energy *en)
{
    const char *dir = getenv("DMDP_POWERCAP_DIR");
    if (!dir) dir = "/sys/class/powercap";
    en->nzones = 0;
    en->reason[0] = 0;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(en->reason, sizeof en->reason,
                 "no %s on this machine (no powercap driver: a VM whose hypervisor does not pass RAPL through, or a "
                 "CPU/kernel without it); energy needs bare metal with intel_rapl (Intel, AMD Zen since Linux 5.8)",
                 dir);
        return 0;
    }
    char *names[64];
    int n = 0, denied = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, dmdp__zone_cmp);
    for (int i = 0; i < n; i++) {
        char p[600], label[DMDP_NAME_MAX] = "";
        long long v, range = 0;
        snprintf(p, sizeof p, "%s/%s/energy_uj", dir, names[i]);
        int rc = dmdp__read_ll(p, &v);
        if (rc == -EACCES || rc == -EPERM) denied++;
        if (rc != 0 || en->nzones == DMDP__MAX_ZONES) {
            free(names[i]);
            continue;
        }
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            free(names[i]);
            continue;
        }
        int z = en->nzones++;
        en->fds[z] = fd;
        snprintf(en->paths[z], sizeof en->paths[z], "%s", p);
        snprintf(p, sizeof p, "%s/%s/max_energy_range_uj", dir, names[i]);
        if (dmdp__read_ll(p, &range) != 0) range = 0;
        snprintf(p, sizeof p, "%s/%s/name", dir, names[i]);
        FILE *f = fopen(p, "r");
        if (f) {
            if (fgets(label, sizeof label, f)) label[strcspn(label, "\r\n")] = 0;
            fclose(f);
        }
        snprintf(en->names[z], sizeof en->names[z], "%.60s%s%.60s", names[i], label[0] ? "/" : "", label);
        en->range[z] = range;
        en->last[z] = v;
        free(names[i]);
    }
    if (!en->nzones)
        snprintf(en->reason, sizeof en->reason, "%s",
                 denied ? "powercap energy_uj is readable by root only (since Linux 5.10): run as root or grant read "
                          "access (e.g. a udev rule chmod o+r .../energy_uj)"
                        : "no powercap zone with an energy_uj counter (the powercap framework is there, but no RAPL "
                          "driver: modprobe intel_rapl_msr?)");
    return en->nzones;
}

int dmdp__energy_delta(dmdp__energy *en, long long *d)
{
    for (int z = 0; z < en->nzones; z++) {
        char buf[32];
        ssize_t n = pread(en->fds[z], buf, sizeof buf - 1, 0);
        if (en->fds[z] < 0 || n <= 0) return -1;
        buf[n] = 0;
        char *end;
        long long v = strtoll(buf, &end, 10);
        if (end == buf) return -1;
        d[z] = v >= en->last[z] ? v - en->last[z] : v + en->range[z] - en->last[z];
        en->last[z] = v;
    }
    return 0;
}

void dmdp__energy_close(dmdp__energy *en)
{
    for (int z = 0; z < en->nzones; z++)
        if (en->fds[z] >= 0) close(en->fds[z]);
    for (int z = 0; z < en->nzones; z++) en->fds[z] = -1;
}
