/* cli_import.c: the commands that load files into the daemon: import
 * (dossiers, JSON Lines in chunks, with progress), catalogue import
 * (procedures, one request) and holidays import (CSV) (docs/cli.md). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_arg.h"
#include "lib/clock.h"
#include "cli/cli_cmd.h"
#include "cli/cli_http.h"
#include "cli/cli_import.h"
#include "cli/cli_out.h"
#include "core/importrec.h"

#define IMPORT_TIMEOUT_MS 600000L     /* one chunk of 20000 lines */
#define CHUNK_LINES       20000       /* lines per import request */
#define CHUNK_BYTES       (16u << 20) /* bytes per import request */
#define HOLIDAY_FILE_MAX  (1u << 20)
#define REJECT_SHOW       50 /* rejected lines listed by import */

struct reject {
	long line;
	char msg[200];
};

/* One import run: the file is read line by line and sent in chunks. */
struct import {
	struct cli *cli;
	const char *endpoint; /* "/api/v1/import" or "/api/v1/procedures" */
	bool single;          /* the whole file in one request */
	const char *file;
	FILE *f;         /* owned */
	char *line;      /* owned; IMPORT_LINE_MAX + 2 bytes */
	long lineno;     /* file lines read so far */
	struct buf body; /* this chunk; at most CHUNK_BYTES */
	long first_line; /* file line of the chunk's first body line */
	size_t nbody;    /* body lines in this chunk */
	long *map;       /* owned; file line of each body line */
	struct reject pend[REJECT_SHOW]; /* local rejects in this chunk */
	size_t npend;
	long imported, updated, unchanged, rejected;
	struct reject shown[REJECT_SHOW]; /* the first ones, by line */
	size_t nshown;
	/* progress on a terminal (stderr), nothing when it is not one */
	bool tty;
	long long size, done;       /* bytes in the file, bytes read */
	long long chunk_end;        /* bytes read up to the chunk's last line */
	long chunk_end_line;        /* ... and its file line */
	long long acked;            /* bytes the daemon has answered for */
	long acked_lines;           /* ... and their lines */
	uint64_t start_ms, last_ms; /* clock_mono_ms() */
};

enum progress_when {
	PROGRESS_TICK, /* at most every PROGRESS_MS */
	PROGRESS_NOW,  /* before a request that may take a while */
	PROGRESS_END,  /* the last line, kept */
};
#define PROGRESS_MS  200 /* between redraws while reading */
#define PROGRESS_BAR 24  /* columns of the bar */

/* Reads one line into im->line. Returns 1 with *len set (*too_long when
 * the line passed IMPORT_LINE_MAX, the rest being skipped), 0 at the end
 * of the file, -1 on a read error. */
static int
read_line(struct import *im, size_t *len, bool *too_long)
{
	size_t n = 0;
	int c;

	*too_long = false;
	while ((c = getc_unlocked(im->f)) != EOF) {
		im->done++;
		if (c == '\n')
			break;
		if (n < IMPORT_LINE_MAX + 1)
			im->line[n++] = (char)c;
		else
			*too_long = true;
	}
	if (ferror(im->f))
		return -1;
	if (c == EOF && n == 0 && !*too_long)
		return 0;
	if (n > 0 && im->line[n - 1] == '\r')
		n--;
	if (n > IMPORT_LINE_MAX)
		*too_long = true;
	*len = n;
	return 1;
}

/* m:ss, or h:mm:ss past an hour. */
static void
duration(double secs, char *buf, size_t size)
{
	long t = secs < 0 ? 0 : secs > 359999 ? 359999 : (long)(secs + 0.5);

	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

/* One line on the terminal, rewritten in place: a bar of the file's bytes
 * the daemon has answered for, the lines done, the rate and the time
 * left (from the bytes still to go at the rate so far). A file of unknown
 * size (a pipe) gets the count and the rate only. Kept under 80 columns
 * so that "\r" rewrites it instead of wrapping. */
static void
progress(struct import *im, enum progress_when when)
{
	uint64_t now = clock_mono_ms();
	double secs, rate;
	int fill = 0;
	char bar[PROGRESS_BAR + 1], tail[32];

	if (!im->tty)
		return;
	if (when == PROGRESS_TICK && now - im->last_ms < PROGRESS_MS)
		return;
	im->last_ms = now;
	secs = (double)(now - im->start_ms) / 1000;
	rate = secs > 0 ? (double)im->acked_lines / secs : 0;
	if (when == PROGRESS_END) {
		im->acked = im->size; /* the rest was blank or refused */
		memcpy(tail, "in ", 3);
		duration(secs, tail + 3, sizeof(tail) - 3);
	} else if (im->acked > 0 && im->size > 0) {
		memcpy(tail, "ETA ", 4);
		duration(secs * (double)(im->size - im->acked) /
		        (double)im->acked,
		    tail + 4, sizeof(tail) - 4);
	} else {
		snprintf(tail, sizeof(tail), "ETA --:--");
	}
	if (im->size <= 0) {
		fprintf(stderr, "\r%ld lines  %.0f lines/s\033[K",
		    im->acked_lines, rate);
	} else {
		fill =
		    (int)((double)im->acked * PROGRESS_BAR / (double)im->size);
		if (fill > PROGRESS_BAR)
			fill = PROGRESS_BAR;
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '.', (size_t)(PROGRESS_BAR - fill));
		bar[PROGRESS_BAR] = '\0';
		fprintf(stderr,
		    "\r[%s] %3d%%  %ld lines  %.0f lines/s  %s\033[K", bar,
		    (int)(im->acked * 100 / im->size), im->acked_lines, rate,
		    tail);
	}
	if (when == PROGRESS_END)
		fputc('\n', stderr);
}

static int
reject_cmp(const void *a, const void *b)
{
	const struct reject *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* Keeps a rejection in the list shown at the end (the first REJECT_SHOW
 * by line; chunks arrive in file order and are sorted within). */
static void
keep_reject(struct import *im, const struct reject *rj)
{
	if (im->nshown < REJECT_SHOW)
		im->shown[im->nshown++] = *rj;
}

/* Sends the chunk and folds the reply into the totals. */
static int
flush_chunk(struct import *im)
{
	struct buf path;
	struct reject *all = NULL;
	size_t nall = 0, i;
	long long total;
	char first[24];
	json_t *rej, *el;
	struct cli_reply r = { 0 };
	int rc = CLI_OK;
	CURL *curl;

	buf_init(&path, 1024);
	if (im->nbody > 0) {
		snprintf(first, sizeof(first), "%ld", im->first_line);
		if ((curl = cli_cmd_curl(im->cli)) == NULL ||
		    buf_adds(&path, im->endpoint) < 0 ||
		    (!im->single &&
		        cli_http_add_query(&path, curl, "first_line", first) <
		            0) ||
		    cli_http_add_query(&path, curl, "actor", im->cli->actor) <
		        0) {
			buf_cleanup(&path);
			cli_warn("out of memory");
			return CLI_DAEMON;
		}
		progress(im, PROGRESS_NOW);
		rc = cli_cmd_request(im->cli, "POST", buf_ptr(&path),
		    "application/x-ndjson", buf_ptr(&im->body),
		    buf_len(&im->body), IMPORT_TIMEOUT_MS, &r);
		buf_cleanup(&path);
		if (rc != CLI_OK)
			goto out;
		im->imported += (long)json_integer_value(
		    json_object_get(r.json, "imported"));
		im->updated += (long)json_integer_value(
		    json_object_get(r.json, "updated"));
		im->unchanged += (long)json_integer_value(
		    json_object_get(r.json, "unchanged"));
		/* the daemon has answered for every line up to here */
		im->acked = im->chunk_end;
		im->acked_lines = im->chunk_end_line;
	}
	rej = json_object_get(r.json, "rejected");
	all = calloc(json_array_size(rej) + im->npend + 1, sizeof(*all));
	if (all == NULL) {
		cli_warn("out of memory");
		rc = CLI_DAEMON;
		goto out;
	}
	memcpy(all, im->pend, im->npend * sizeof(*all));
	nall = im->npend;
	json_array_foreach(rej, i, el) {
		long line = (long)cli_out_jint(el, "line");
		long idx = line - im->first_line + 1;
		const char *msg = cli_out_jstr(el, "error");

		/* the daemon numbered body lines from first_line; blank and
		 * over-long lines were never sent, so map back */
		if (idx >= 1 && (size_t)idx <= im->nbody)
			line = im->map[idx - 1];
		all[nall].line = line;
		snprintf(all[nall].msg, sizeof(all[nall].msg), "%s",
		    msg != NULL ? msg : "rejected");
		nall++;
	}
	/* the daemon lists at most 1000 a request; rejected_total counts */
	total = cli_out_jint(r.json, "rejected_total");
	if (total < (long long)json_array_size(rej))
		total = (long long)json_array_size(rej);
	im->rejected += (long)total;
	qsort(all, nall, sizeof(*all), reject_cmp);
	for (i = 0; i < nall; i++)
		keep_reject(im, &all[i]);
	progress(im, PROGRESS_NOW);
out:
	free(all);
	cli_reply_free(&r);
	buf_reset(&im->body);
	im->nbody = 0;
	im->npend = 0;
	im->first_line = 0;
	return rc;
}

static bool
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* A line that never reaches the daemon. */
static void
local_reject(struct import *im, const char *msg)
{
	if (im->npend < REJECT_SHOW) {
		im->pend[im->npend].line = im->lineno;
		snprintf(im->pend[im->npend].msg, sizeof(im->pend[0].msg), "%s",
		    msg);
		im->npend++;
	}
	im->rejected++;
}

static int
import_lines(struct import *im)
{
	char toolong[64];
	size_t len;
	bool too_long;
	int rc, got;

	snprintf(toolong, sizeof(toolong), "line: longer than %d bytes",
	    IMPORT_LINE_MAX);
	while ((got = read_line(im, &len, &too_long)) == 1) {
		im->lineno++;
		if (too_long) {
			local_reject(im, toolong);
			continue;
		}
		if (is_blank(im->line, len))
			continue; /* skipped, not rejected */
		if (im->nbody == CHUNK_LINES ||
		    len + 1 > CHUNK_BYTES - buf_len(&im->body)) {
			if (im->single) {
				cli_warn("%s: more than %d lines or %u MiB; "
				         "split the file",
				    im->file, CHUNK_LINES, CHUNK_BYTES >> 20);
				return CLI_FAIL;
			}
			if ((rc = flush_chunk(im)) != CLI_OK)
				return rc;
		}
		if (im->nbody == 0)
			im->first_line = im->lineno;
		if (buf_add(&im->body, im->line, len) < 0 ||
		    buf_add(&im->body, "\n", 1) < 0) {
			cli_warn("out of memory");
			return CLI_DAEMON;
		}
		im->map[im->nbody++] = im->lineno;
		im->chunk_end = im->done;
		im->chunk_end_line = im->lineno;
		progress(im, PROGRESS_TICK);
	}
	if (got < 0) {
		cli_warn("%s: %s", im->file, strerror(errno));
		return CLI_FAIL;
	}
	return flush_chunk(im);
}

static void
import_summary(const struct import *im)
{
	printf("imported:  %ld\n", im->imported);
	printf("updated:   %ld\n", im->updated);
	printf("unchanged: %ld\n", im->unchanged);
	printf("rejected:  %ld\n", im->rejected);
	for (size_t i = 0; i < im->nshown; i++)
		printf("line %ld: %s\n", im->shown[i].line, im->shown[i].msg);
	if (im->rejected > (long)im->nshown)
		printf("... and %ld more\n", im->rejected - (long)im->nshown);
}

/* import FILE and catalogue import FILE share this. */
static int
run_import(struct cli *cli, const char *file, const char *endpoint, bool single)
{
	struct import *im = calloc(1, sizeof(*im));
	struct stat st;
	int rc;

	if (im == NULL) {
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	im->cli = cli;
	im->file = file;
	im->endpoint = endpoint;
	im->single = single;
	buf_init(&im->body, CHUNK_BYTES);
	if ((im->f = fopen(file, "r")) == NULL) {
		cli_warn("%s: %s", file, strerror(errno));
		free(im);
		return CLI_FAIL;
	}
	im->line = malloc(IMPORT_LINE_MAX + 2);
	im->map = calloc(CHUNK_LINES, sizeof(*im->map));
	if (im->line == NULL || im->map == NULL) {
		cli_warn("out of memory");
		rc = CLI_DAEMON;
		goto out;
	}
	if (fstat(fileno(im->f), &st) == 0 && S_ISREG(st.st_mode))
		im->size = (long long)st.st_size;
	im->tty = isatty(STDERR_FILENO) == 1;
	im->start_ms = clock_mono_ms();
	im->last_ms = im->start_ms;
	rc = import_lines(im);
	if (rc == CLI_OK)
		im->acked_lines = im->lineno;
	progress(im, rc == CLI_OK ? PROGRESS_END : PROGRESS_NOW);
	if (rc != CLI_OK && im->tty)
		fputc('\n', stderr);
	import_summary(im);
	if (rc != CLI_OK)
		cli_warn("%s: stopped: the lines before line %ld were "
		         "imported, none from it on; importing the file again "
		         "is safe",
		    file, im->nbody > 0 ? im->first_line : im->lineno);
	else if (im->rejected > 0)
		rc = CLI_FAIL;
out:
	fclose(im->f);
	free(im->line);
	free(im->map);
	buf_cleanup(&im->body);
	free(im);
	return rc;
}

int
cli_import_dossiers(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
{
	bool help;
	int rc;

	if ((rc = cli_cmd_simple_args(cmd, argc, argv, 1, &help)) != CLI_OK ||
	    help)
		return help ? cli_cmd_usage(cmd) : rc;
	return run_import(cli, argv[optind], "/api/v1/import", false);
}

int
cli_import_catalogue(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
{
	bool help;
	int rc;

	if ((rc = cli_cmd_simple_args(cmd, argc, argv, 2, &help)) != CLI_OK ||
	    help)
		return help ? cli_cmd_usage(cmd) : rc;
	if (strcmp(argv[optind], "import") != 0)
		return cli_cmd_usage_error(cmd,
		    "catalogue: unknown action '%s'", argv[optind]);
	return run_import(cli, argv[optind + 1], "/api/v1/procedures", true);
}

/* Reads a whole small file into b (b->max bounds it). */
static int
read_file(const char *file, struct buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(file, "r");

	if (f == NULL) {
		cli_warn("%s: %s", file, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) < 0) {
			cli_warn("%s: %s", file,
			    errno == ENOBUFS ? "file too large"
			                     : strerror(errno));
			fclose(f);
			return -1;
		}
	if (ferror(f)) {
		cli_warn("%s: %s", file, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

int
cli_import_holidays(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
{
	struct buf body, path;
	struct cli_reply r;
	json_t *el;
	size_t i;
	bool help;
	int rc;
	CURL *curl;

	if ((rc = cli_cmd_simple_args(cmd, argc, argv, 2, &help)) != CLI_OK ||
	    help)
		return help ? cli_cmd_usage(cmd) : rc;
	if (strcmp(argv[optind], "import") != 0)
		return cli_cmd_usage_error(cmd, "holidays: unknown action '%s'",
		    argv[optind]);
	buf_init(&body, HOLIDAY_FILE_MAX);
	buf_init(&path, 512);
	if (read_file(argv[optind + 1], &body) < 0) {
		buf_cleanup(&body);
		return CLI_FAIL;
	}
	if ((curl = cli_cmd_curl(cli)) == NULL ||
	    buf_adds(&path, "/api/v1/holidays") < 0 ||
	    cli_http_add_query(&path, curl, "actor", cli->actor) < 0) {
		buf_cleanup(&body);
		buf_cleanup(&path);
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	rc = cli_cmd_request(cli, "POST", buf_ptr(&path), "text/csv",
	    buf_ptr(&body), buf_len(&body), CLI_CMD_TIMEOUT_MS, &r);
	if (rc == CLI_OK) {
		printf("imported: %lld\n", cli_out_jint(r.json, "imported"));
	} else {
		json_array_foreach(json_object_get(r.json, "errors"), i, el) {
			fprintf(stderr, "line %lld: %s\n",
			    cli_out_jint(el, "line"),
			    cli_out_jstr(el, "error")
			        ? cli_out_jstr(el, "error")
			        : "?");
		}
	}
	cli_reply_free(&r);
	buf_cleanup(&body);
	buf_cleanup(&path);
	return rc;
}
