/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replays a fuzz corpus through a harness without libFuzzer, so that `make check` runs every
 * input found so far under whatever instrumentation the build has (the sanitizer build of
 * CI included). The corpus directory is $OSVIF_SRCDIR/test/fuzz/corpus/<FUZZ_CORPUS>.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        uint8_t *buf;
        long len;

        if (!f)
                return -1;
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        rewind(f);
        buf = malloc(len > 0 ? (size_t)len : 1);
        if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
                fclose(f);
                free(buf);
                return -1;
        }
        fclose(f);
        LLVMFuzzerTestOneInput(buf, (size_t)len);
        free(buf);
        return 0;
}

int main(void)
{
        const char *src = getenv("OSVIF_SRCDIR");
        char dir[1024], path[2048];
        struct dirent *e;
        int n = 0;
        DIR *d;

        if (!src) {
                fprintf(stderr, "OSVIF_SRCDIR is not set: run through make check\n");
                return 1;
        }
        snprintf(dir, sizeof(dir), "%s/test/fuzz/corpus/%s", src, FUZZ_CORPUS);
        d = opendir(dir);
        if (!d) {
                perror(dir);
                return 1;
        }
        while ((e = readdir(d))) {
                if (e->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                if (replay_file(path) < 0) {
                        fprintf(stderr, "cannot read %s\n", path);
                        closedir(d);
                        return 1;
                }
                n++;
        }
        closedir(d);
        printf("%s: %d inputs replayed\n", FUZZ_CORPUS, n);
        return n > 0 ? 0 : 1;
}
