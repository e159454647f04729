/* test_csv.c -- the RFC 4180 CSV writer (instrument/dmd_csv.h): quoting of
 * comma, quote, CR and LF; the schema column on every row; empty fields for
 * missing values (NULL, NaN); the expected text is written out by hand. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../base/check.h"
#include "dmd_csv.h"

int main(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return 2;
    dmd_csv w;
    dmd_csv_init(&w, f, "dmdprof.test/1");
    static const char *const head[] = {"name", "n", "x", "u", NULL};
    CHECK(dmd_csv_header(&w, head) == 0, "header");
    dmd_csv_str(&w, "plain");
    dmd_csv_int(&w, -3);
    dmd_csv_real(&w, "%.3f", 0.5);
    dmd_csv_u64(&w, 18446744073709551615u);
    dmd_csv_end(&w);
    dmd_csv_str(&w, "a,b \"q\"");
    dmd_csv_empty(&w);
    dmd_csv_real(&w, "%.3f", NAN);
    dmd_csv_str(&w, NULL);
    dmd_csv_end(&w);
    dmd_csv_str(&w, "line\nbreak");
    dmd_csv_str(&w, "cr\r");
    dmd_csv_real(&w, "%g", INFINITY);
    dmd_csv_real(&w, "%g", -INFINITY);
    CHECK(dmd_csv_end(&w) == 0, "end");
    fclose(f);
    const char *want = "schema,name,n,x,u\n"
                       "dmdprof.test/1,plain,-3,0.500,18446744073709551615\n"
                       "dmdprof.test/1,\"a,b \"\"q\"\"\",,,\n"
                       "dmdprof.test/1,\"line\nbreak\",\"cr\r\",inf,-inf\n";
    CHECK(strcmp(buf, want) == 0, "text differs:\n--- got\n%s--- want\n%s", buf, want);
    printf("%s dmd_csv: %zu bytes, %s\n", check_failures ? "FAIL" : "ok", len,
           check_failures ? "differs from the hand-written text" : "equal to the hand-written text");
    free(buf);
    return check_failures ? 1 : 0;
}
