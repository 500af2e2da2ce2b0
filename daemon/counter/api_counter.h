/* api_counter.h: the counter desk's routes (docs/counter.md, docs/api.md
 * "Counter desk"): a submission refused at the counter (Mẫu 03), the
 * hand-offs of a dossier between desks and units (Mẫu 05) and the result
 * collected at the desk by scanning the receipt. The route table checks
 * each route's role (office_staff, admin) before the handler runs; every
 * write goes to the audit log in its store transaction, with the actor.
 * Errors are the one shape {"error": {"field", "message"}}. Loop thread
 * only. */
#ifndef API_COUNTER_H
#define API_COUNTER_H

#include "http/route.h"

/* POST /api/v1/refusals, POST /api/v1/dossiers/{code}/handoffs (both
 * take an Idempotency-Key), POST /api/v1/returns. */
route_handler counter_route_refusal, counter_route_handoff,
    counter_route_return;
/* counter_pages.c: GET /staff/counter and its assets (roles office_staff,
 * admin), and GET /api/v1/counter/resolve?scan= -> {"code"}. */
route_handler counter_route_page, counter_route_resolve;
/* counter_pages.c: POST /api/v1/counter/factor {"owner_id_no", "phone"}
 * -> {"kiosk_factor"}: the kiosk's second factor intake would record. */
route_handler counter_route_factor;
#endif
