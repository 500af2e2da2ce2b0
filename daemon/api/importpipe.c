/* importpipe.c: see importpipe.h. A single-producer, single-consumer ring
 * under one mutex. Either side sleeps only when the ring is full or empty
 * and is woken only if it sleeps; a full ring's parser is woken when half
 * of it is free, so the threads switch once per half ring, not per
 * record. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api/importpipe.h"
#include "lib/lines.h"

#define RING 256 /* parsed records in flight: about 0.7 MiB */

struct importpipe {
	struct lines ls;              /* the worker's position in the body */
	struct importpipe_item *ring; /* owned; RING items */
	size_t head, tail; /* produced, consumed; head - tail <= RING */
	bool done;         /* the worker has seen the last line */
	bool stop;         /* the caller wants no more */
	bool producer_waits, consumer_waits;
	bool held; /* the caller holds ring[tail] */
	bool threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* Parses the next non-blank line into it; false at the end of the body. */
static bool
parse_next(struct lines *ls, struct importpipe_item *it)
{
	const char *line;
	size_t len;

	while (lines_next(ls, &line, &len)) {
		if (lines_blank(line, len))
			continue;
		it->line = ls->no;
		if (len > IMPORT_LINE_MAX) {
			it->ok = false;
			strcpy(it->err, "line: longer than 65536 bytes");
		} else {
			it->ok = importrec_parse(line, len, &it->rec, it->err,
			             sizeof it->err) == 0;
		}
		return true;
	}
	return false;
}

static void *
worker(void *arg)
{
	struct importpipe *p = arg;
	bool more = true;

	while (more) {
		pthread_mutex_lock(&p->mu);
		while (p->head - p->tail == RING && !p->stop) {
			p->producer_waits = true;
			pthread_cond_wait(&p->cv, &p->mu);
			p->producer_waits = false;
		}
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		pthread_mutex_unlock(&p->mu);
		/* the slot at head is ours until head moves */
		more = parse_next(&p->ls, &p->ring[p->head % RING]);
		pthread_mutex_lock(&p->mu);
		if (more)
			p->head++;
		else
			p->done = true;
		if (p->consumer_waits)
			pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

struct importpipe *
importpipe_start(const char *body, size_t len, long first_line)
{
	struct importpipe *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	if ((p->ring = malloc(RING * sizeof *p->ring)) == NULL) {
		free(p);
		return NULL;
	}
	p->ls.p = body;
	p->ls.end = body + len;
	p->ls.no = first_line - 1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->threaded = pthread_create(&p->thread, NULL, worker, p) == 0;
	return p;
}

const struct importpipe_item *
importpipe_next(struct importpipe *p)
{
	const struct importpipe_item *it = NULL;

	if (!p->threaded) /* the fallback: parse here */
		return parse_next(&p->ls, &p->ring[0]) ? &p->ring[0] : NULL;
	pthread_mutex_lock(&p->mu);
	if (p->held) { /* the caller is done with the previous item */
		p->tail++;
		p->held = false;
		/* Wake a waiting parser only once half the ring is free, so
		 * the two threads do not switch for every record. */
		if (p->producer_waits && p->head - p->tail <= RING / 2)
			pthread_cond_signal(&p->cv);
	}
	while (p->head == p->tail && !p->done) {
		p->consumer_waits = true;
		pthread_cond_wait(&p->cv, &p->mu);
		p->consumer_waits = false;
	}
	if (p->head != p->tail) {
		it = &p->ring[p->tail % RING];
		p->held = true;
	}
	pthread_mutex_unlock(&p->mu);
	return it;
}

void
importpipe_free(struct importpipe *p)
{
	if (p == NULL)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->stop = true;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->ring);
	free(p);
}
