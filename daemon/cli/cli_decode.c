/* cli_decode.c: `motcua decode`. Loads each file (imgload.h), runs the
 * two-engine pipeline (zdecode.h) and prints what it found, whole, and
 * what it refused, with the reason. Local work only: no daemon, no
 * libcurl. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli/cli_cmd.h"
#include "cli/cli_decode.h"
#include "cli/cli_http.h"
#include "scanner/imgload.h"
#include "scanner/zdecode.h"

/* "motcua: decode: " what arg, then the hint. */
static int
usage(const char *what, const char *arg)
{
	return cli_cmd_usage_named("decode", "decode: %s%s", what, arg);
}

static int
parse_steps(const char *list, unsigned *bits)
{
	static const enum zdecode_step all[] = { ZDECODE_PLAIN, ZDECODE_SCALE,
		ZDECODE_BINARISE, ZDECODE_ROTATE, ZDECODE_INVERT };
	const char *p = list;

	*bits = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ", ");
		size_t i;

		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			const char *name = zdecode_step_name(all[i]);

			if (n > 0 && strlen(name) == n &&
			    strncasecmp(p, name, n) == 0)
				break;
		}
		if (n > 0 && i == sizeof(all) / sizeof(all[0]))
			return -1;
		if (n > 0)
			*bits |= all[i];
		p += n;
		p += strspn(p, ", ");
	}
	return *bits != 0 ? 0 : -1;
}

static int
parse_engines(const char *list, unsigned *bits)
{
	const char *p = list;

	*bits = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ", ");

		if (n == 5 && strncasecmp(p, "zxing", 5) == 0)
			*bits |= ZDECODE_ZXING;
		else if (n == 4 && strncasecmp(p, "zbar", 4) == 0)
			*bits |= ZDECODE_ZBAR;
		else if (n > 0)
			return -1;
		p += n;
		p += strspn(p, ", ");
	}
	return *bits != 0 ? 0 : -1;
}

/* Text output: the bytes as they are, but control bytes and the
 * backslash escaped, so one symbol is one line. */
static void
put_escaped(const unsigned char *d, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = d[i];

		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02X", c);
		else
			putchar(c);
	}
}

static void
put_json(const char *file, const struct zdecode_symbol *s)
{
	/* the data is UTF-8 (zdecode converted or checked it);
	 * a file name need not be, so it goes through json_stringn, which
	 * refuses bad UTF-8: then the name is replaced, never mangled. */
	json_t *o = json_object();
	json_t *f = json_string(file);
	char *text;

	json_object_set_new(o, "file", f != NULL ? f : json_string("?"));
	json_object_set_new(o, "symbology",
	    json_string(scan_symbology_name(s->sym)));
	json_object_set_new(o, "data",
	    json_stringn((const char *)s->data, s->len));
	json_object_set_new(o, "step", json_string(zdecode_step_name(s->step)));
	json_object_set_new(o, "engine",
	    json_string(zdecode_engines_name(s->engines)));
	json_object_set_new(o, "charset",
	    json_string(zdecode_charset_name(s->charset)));
	text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (text != NULL)
		puts(text);
	free(text);
	json_decref(o);
}

int
cli_decode(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "symbologies", required_argument, NULL, 'y' },
		{ "steps", required_argument, NULL, 's' },
		{ "engines", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct zdecode_opts zo = { 0 };
	struct zdecode_symbol *syms;
	struct zdecode *z;
	bool json = false;
	size_t found = 0;
	int c;

	optind = 0; /* a fresh scan: options may come after the files */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'y':
			if (scan_symbologies_parse(optarg, &zo.symbologies) < 0)
				return usage("--symbologies: unknown name in ",
				    optarg);
			break;
		case 's':
			if (parse_steps(optarg, &zo.steps) < 0)
				return usage("--steps: unknown step in ",
				    optarg);
			break;
		case 'e':
			if (parse_engines(optarg, &zo.engines) < 0)
				return usage("--engines: not zxing or zbar in ",
				    optarg);
			break;
		case 'h':
			fputs(CLI_DECODE_USAGE, stdout);
			return CLI_OK;
		case ':':
			return usage("needs a value: ", argv[optind - 1]);
		default:
			return usage("unknown option ", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return usage("expected at least one FILE", "");
	if ((z = zdecode_new(&zo)) == NULL ||
	    (syms = calloc(ZDECODE_SYMBOLS_MAX, sizeof(*syms))) == NULL) {
		zdecode_free(z);
		cli_warn("decode: out of memory");
		return CLI_FAIL;
	}
	for (int i = optind; i < argc; i++) {
		char err[IMGLOAD_ERR_MAX];
		const struct zdecode_refusal *ref;
		struct img im;
		size_t n, nref;

		if (imgload_file(argv[i], &im, err) != IMGLOAD_OK) {
			cli_warn("decode: %s", err);
			continue;
		}
		n = zdecode_run(z, im.px, im.w, im.h, syms,
		    ZDECODE_SYMBOLS_MAX);
		img_free(&im);
		/* a read that is not returned is said, never cut or guessed */
		nref = zdecode_refusals(z, &ref);
		for (size_t k = 0; k < nref; k++)
			cli_warn("decode: %s: %s refused (%s): %s", argv[i],
			    scan_symbology_name(ref[k].sym),
			    zdecode_engines_name(ref[k].engines), ref[k].why);
		for (size_t k = 0; k < n; k++) {
			if (json) {
				put_json(argv[i], &syms[k]);
				continue;
			}
			printf("%s: %s: ", argv[i],
			    scan_symbology_name(syms[k].sym));
			put_escaped(syms[k].data, syms[k].len);
			putchar('\n');
		}
		found += n;
	}
	free(syms);
	zdecode_free(z);
	return found > 0 ? CLI_OK : CLI_FAIL;
}
