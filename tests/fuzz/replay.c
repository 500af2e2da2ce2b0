/* replay.c: a plain main() for a libFuzzer target, so that its seed corpus
 * runs as a regression test in `make check` with the normal compiler (and,
 * under SAN=1, the sanitizers), without clang's libFuzzer.
 *
 *	replay_T DIR|FILE...
 *
 * Each regular file (a directory's files, in name order; dot files are
 * skipped as libFuzzer skips them) is one input, given to
 * LLVMFuzzerTestOneInput() in a buffer of exactly its size, as libFuzzer
 * does, so that a read past the end is caught. Each input runs in a child
 * process: a failed assert() or a sanitizer report fails that input, names
 * it, and the others still run. Ends with the line tests/run sums,
 * "N passed, N failed"; exits 1 if any input failed or could not be read. */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's own -max_len in tests/fuzz/run: a seed over it is a mistake */
#define REPLAY_MAX_LEN 70000

static unsigned passed, failed;

/* Reads path whole into a buffer of exactly its size (caller frees).
 * NULL with errno on failure; EFBIG over REPLAY_MAX_LEN. */
static uint8_t *
read_input(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto fail;
	if (n > REPLAY_MAX_LEN) {
		errno = EFBIG;
		goto fail;
	}
	/* malloc(0) may return NULL: keep one byte, pass a length of 0 */
	if ((buf = malloc(n > 0 ? (size_t)n : 1)) == NULL)
		goto fail;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		errno = EIO;
		goto fail;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static void
replay_file(const char *path)
{
	uint8_t *data;
	size_t len = 0;
	pid_t pid;
	int status;

	if ((data = read_input(path, &len)) == NULL) {
		printf("FAIL %s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	/* flush first, or the child's exit() prints our buffered lines twice */
	fflush(stdout);
	if ((pid = fork()) == -1) {
		printf("FAIL %s: fork: %s\n", path, strerror(errno));
		failed++;
		free(data);
		return;
	}
	if (pid == 0) {
		(void)LLVMFuzzerTestOneInput(data, len);
		free(data);
		/* exit(), not _exit(): under SAN=1 the leak check runs at exit,
		 * as libFuzzer's does after each input */
		exit(0);
	}
	free(data);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			printf("FAIL %s: waitpid: %s\n", path, strerror(errno));
			failed++;
			return;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok   %s\n", path);
		passed++;
	} else if (WIFSIGNALED(status)) {
		printf("FAIL %s: killed by signal %d\n", path,
		    WTERMSIG(status));
		failed++;
	} else {
		printf("FAIL %s: exit %d\n", path, WEXITSTATUS(status));
		failed++;
	}
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static void
replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	struct stat st;
	int n, i;

	if ((n = scandir(dir, &names, visible, by_name)) < 0) {
		printf("FAIL %s: %s\n", dir, strerror(errno));
		failed++;
		return;
	}
	for (i = 0; i < n; i++) {
		int w =
		    snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);

		if (w < 0 || (size_t)w >= sizeof path) {
			printf("FAIL %s/%s: path too long\n", dir,
			    names[i]->d_name);
			failed++;
		} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(path);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed != 0;
}
