/* cli.c -- shared helpers of the dmdprof subcommands (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *g_name = "dmdprof";
int cli_quiet;

void cli_set_name(const char *name) { g_name = name; }
const char *cli_name(void) { return g_name; }

/* "NAME: message\n" on stderr with every byte outside printable ASCII
 * written as \xHH: a message is one line and never drives the terminal
 * (file names and trace text are echoed in messages). */
static void say(const char *fmt, va_list ap)
{
    char buf[4096];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof buf) n = sizeof buf - 1;
    fprintf(stderr, "%s: ", g_name);
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x20 || c >= 0x7F)
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
    fputc('\n', stderr);
}

static int g_failing, g_stdout_told;

/* atexit: output lost on stdout (a full disk, /dev/full, a closed pipe) is a
 * failure of the work: one line, exit 1 -- unless a usage error is already
 * on its way out. */
static void check_stdout(void)
{
    if (g_failing) return;
    errno = 0;
    int bad = fflush(stdout) != 0;
    if (!bad && !ferror(stdout)) return;
    if (!g_stdout_told) {
        fprintf(stderr, "%s: cannot write to standard output (%s); the output is incomplete\n", g_name,
                errno ? strerror(errno) : "write error");
    }
    _exit(CLI_EXIT_WORK);
}

void cli_check_stdout_at_exit(void) { atexit(check_stdout); }

static void __attribute__((noreturn)) die(int code, const char *fmt, va_list ap)
{
    g_failing = 1;
    fflush(stdout);
    say(fmt, ap);
    exit(code);
}

void cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die(CLI_EXIT_USAGE, fmt, ap);
}

void cli_fail_work(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die(CLI_EXIT_WORK, fmt, ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
}

long cli_long(const char *flag, const char *text, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!*text || *end || errno)
        cli_fail("%s: '%s' is not a whole number (expected %ld..%ld)", flag, text, lo, hi);
    if (v < lo || v > hi) cli_fail("%s: %ld is out of range (expected %ld..%ld)", flag, v, lo, hi);
    return v;
}

double cli_double(const char *flag, const char *text, double lo, int lo_open, double hi, int hi_open)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v)) cli_fail("%s: '%s' is not a finite number", flag, text);
    if ((lo_open ? v <= lo : v < lo) || (hi_open ? v >= hi : v > hi))
        cli_fail("%s: %g is out of range (expected %s%g, %g%s)", flag, v, lo_open ? "(" : "[", lo, hi,
                 hi_open ? ")" : "]");
    return v;
}

int cli_choice(const char *flag, const char *text, const char *const *choices)
{
    char list[512] = "";
    for (int i = 0; choices[i]; i++) {
        if (strcmp(text, choices[i]) == 0) return i;
        if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, choices[i], sizeof list - strlen(list) - 1);
    }
    cli_fail("%s: unknown value '%s' (choose one of: %s)", flag, text, list);
}

void cli_make_dir(const char *flag, const char *dir)
{
    char buf[4096];
    if (!*dir) cli_fail("%s: empty directory name", flag);
    if (strlen(dir) >= sizeof buf) cli_fail("%s: directory name too long", flag);
    strcpy(buf, dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            cli_fail("%s: cannot create directory '%s': %s", flag, buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        cli_fail("%s: cannot create directory '%s': %s", flag, buf, strerror(errno));
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) cli_fail("%s: '%s' exists and is not a directory", flag, dir);
    if (access(buf, W_OK | X_OK) != 0)
        cli_fail("%s: directory '%s' is not writable (%s); choose another with %s", flag, dir, strerror(errno), flag);
}

void cli_check_writable(const char *flag, const char *path)
{
    if (!strcmp(path, "-")) return;
    if (!*path) cli_fail("%s: empty file name", flag);
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) cli_fail("%s: path too long", flag);
        memcpy(dir, path, n);
        dir[n] = 0;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        cli_fail("%s: directory '%s' of '%s' does not exist; create it first", flag, dir, path);
    if (access(dir, W_OK | X_OK) != 0)
        cli_fail("%s: directory '%s' is not writable (%s); choose another path", flag, dir, strerror(errno));
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) cli_fail("%s: '%s' is a directory, not a file", flag, path);
}

char *cli_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", g_name);
        exit(CLI_EXIT_WORK);
    }
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        o->f = fopen(path, "w");
        if (!o->f) {
            cli_warn("cannot write '%s': %s", path, strerror(errno));
            return -1;
        }
        o->direct = 1;
        o->path = strdup(path); /* for the messages; NULL if out of memory */
        return 0;
    }
    o->path = strdup(path);
    size_t n = strlen(path) + 32;
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) {
        cli_warn("out of memory");
        return -1;
    }
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        cli_warn("cannot write '%s': %s", o->tmp, strerror(errno));
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return -1;
    }
    return 0;
}

int cli_out_commit(cli_out *o)
{
    if (!o->tmp) {
        int bad = fflush(o->f) != 0 || ferror(o->f);
        if (o->direct) {
            if (fclose(o->f) != 0) bad = 1;
            if (bad)
                cli_warn("cannot write '%s' (%s); the output is incomplete", o->path ? o->path : "?",
                         strerror(errno ? errno : EIO));
            free(o->path);
            memset(o, 0, sizeof *o);
            return bad ? -1 : 0;
        }
        o->f = NULL;
        if (bad) {
            cli_warn("cannot write to standard output (%s); the output is incomplete", strerror(errno ? errno : EIO));
            g_stdout_told = 1;
        }
        return bad ? -1 : 0;
    }
    int bad = ferror(o->f);
    if (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0) bad = 1;
    if (fclose(o->f) != 0) bad = 1;
    o->f = NULL;
    if (!bad && rename(o->tmp, o->path) != 0) bad = 1;
    if (bad) {
        cli_warn("cannot write '%s': %s", o->path, strerror(errno ? errno : EIO));
        unlink(o->tmp);
    }
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    return bad ? -1 : 0;
}

int cli_write_with(const char *path, int (*fn)(void *ctx, FILE *f), void *ctx)
{
    cli_out o;
    if (cli_out_open(&o, path) != 0) return -1;
    if (fn(ctx, o.f) != 0) {
        int err = errno ? errno : EIO;
        cli_out_abort(&o);
        if (!strcmp(path, "-")) g_stdout_told = 1;
        cli_warn("cannot write '%s': %s", path, strerror(err));
        return -1;
    }
    return cli_out_commit(&o);
}

void cli_out_abort(cli_out *o)
{
    if (o->direct) {
        if (o->f) fclose(o->f);
        free(o->path);
    }
    if (o->tmp) {
        if (o->f) fclose(o->f);
        unlink(o->tmp);
        free(o->tmp);
        free(o->path);
    }
    memset(o, 0, sizeof *o);
}

int cli_write_json(const char *path, json_t *j)
{
    cli_out o;
    if (cli_out_open(&o, path) != 0) return -1;
    if (json_dumpf(j, o.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0) {
        cli_out_abort(&o);
        cli_warn("cannot encode JSON for '%s'", path);
        return -1;
    }
    fputc('\n', o.f);
    return cli_out_commit(&o);
}

/* CPU time (user + system) of this process so far, from getrusage; -1 if unavailable. */
double cli_cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

void cli_progress_start(cli_progress *p, const char *label, long total, long every)
{
    p->tty = isatty(2);
    p->t0 = cli_now();
    p->total = total;
    p->every = every > 0 ? every : 1;
    p->label = label;
}

void cli_progress_update(cli_progress *p, long done, const char *msg)
{
    if (cli_quiet) return;
    double el = cli_now() - p->t0;
    double eta = done > 0 ? el * (p->total - done) / done : 0;
    if (p->tty) {
        int width = 20, fill = p->total > 0 ? (int)(width * done / p->total) : 0;
        char bar[32];
        for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
        bar[width] = 0;
        fprintf(stderr, "\r\033[K%s [%s] %s  %.1fs, ETA %.1fs", p->label, bar, msg, el, eta);
        fflush(stderr);
    } else if (done % p->every == 0 || done == p->total) {
        fprintf(stderr, "%s: %s (%.1fs, ETA %.1fs)\n", p->label, msg, el, eta);
    }
}

void cli_progress_done(cli_progress *p, const char *msg)
{
    if (cli_quiet) return;
    if (p->tty) fprintf(stderr, "\r\033[K");
    fprintf(stderr, "%s: %s (%.1fs)\n", p->label, msg, cli_now() - p->t0);
}

json_t *cli_with_schema(const char *schema, json_t *body)
{
    json_t *j = json_object();
    if (!j || json_object_set_new(j, "schema", json_string(schema)) != 0 || (body && json_object_update(j, body) != 0)) {
        cli_warn("out of memory building the %s JSON", schema);
        exit(CLI_EXIT_WORK);
    }
    json_decref(body);
    return j;
}
