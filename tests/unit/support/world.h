/* world.h: the small simulated "world" of the engine unit tests (test_sim_steps.c,
 * test_plan_decisions.c, test_checkpoint.c): a configuration, a census built row
 * by row in memory, a worker pool and a sim initialised from them.
 *
 * Lifecycle: pw_test_world_begin (defaults, one thread), settings in w->cfg,
 * census rows (pw_test_world_add; the first row finalises the configuration,
 * because the census date depends on it), pw_test_world_start (roster, pool,
 * pw_sim_init), the test's own run, pw_test_world_end. Every failure fails the
 * running cmocka test. Include after <cmocka.h>. */
#ifndef PW_TEST_WORLD_H
#define PW_TEST_WORLD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/pool.h"
#include "core/strpool.h"
#include "model/census.h"
#include "sim/sim.h"
#include "event_rows.h"

struct pw_test_world {
    struct pw_config cfg;
    struct pw_strpool strings;
    struct pw_census census;
    struct pw_pool *pool;
    struct pw_sim sim;
    const struct pw_tables *tables;
    size_t rows;                  /* census rows added */
    bool finalized;               /* cfg finalised: workforce settings must come before the first row */
    /* Called once, right after the configuration is finalised (settings that
     * finalize would check or overwrite, e.g. plan keys set field by field). */
    void (*after_finalize)(struct pw_test_world *w);
    long counter[16];             /* free for a test's checks to count with */
};

/* Loads the built-in assumption tables; 0, or -1 with a message on stderr. */
int pw_test_tables_load(struct pw_tables *tables);

/* Defaults with one worker thread, an empty census over tables. */
void pw_test_world_begin(struct pw_test_world *w, const struct pw_tables *tables);
/* Finalises the configuration once (then calls after_finalize). */
void pw_test_world_finalize(struct pw_test_world *w);
/* Adds a census row as the next row number; the row must be accepted. */
void pw_test_world_add(struct pw_test_world *w, const struct pw_census_fields *f);
/* Builds the roster and initialises w->sim on a pool of threads workers. */
void pw_test_world_start(struct pw_test_world *w, int threads);
void pw_test_world_end(struct pw_test_world *w);

/* Sets column col of a census row to s (NULL leaves it absent). */
void pw_test_field(struct pw_census_fields *f, int col, const char *s);

/* Row of employee id in the current year, or (size_t)-1. */
size_t pw_test_find_row(const struct pw_sim *sim, const char *id);
/* The same, failing the test when there is none. */
size_t pw_test_row_of(const struct pw_sim *sim, const char *id);
/* Events of row r in the current year with every column of their rows, in output
 * (sequence) order; at most max. The rows stay valid until the next call. */
int pw_test_events_of(const struct pw_sim *sim, size_t r, const struct test_event **out, int max);

#endif
