/* sim_state.c: capture and restore of the state a simulation carries from one
 * year to the next (model/carried.h), so a run can continue from a checkpoint.
 *
 * Capture reads the sim after year close. Restore builds the sim the way
 * pw_sim_init does (constants derived from the configuration and tables), but
 * from an empty census shell, then installs the carried workforce and scalars:
 * the plan state is not re-initialised (it is carried), and the census-derived
 * hire exclusion share comes from the checkpoint, so no census is read. */
#include <string.h>

#include "sim/sim.h"

void pw_sim_carried(const struct pw_sim *sim, struct pw_carried *c)
{
    memset(c, 0, sizeof *c);
    c->year = sim->year.year;
    c->prior_year_hires_active = sim->prior_year_hires_active;
    c->hire_excluded_share = sim->hire_excluded_share;
    c->census_roster_size = sim->census_roster_size;
    c->total_events = sim->total_events;
    c->total_snapshot_rows = sim->total_snapshot_rows;
}

int pw_sim_init_resume(struct pw_sim *sim, const struct pw_config *cfg, const struct pw_tables *tables,
                       struct pw_workforce *wf, const struct pw_carried *c, struct pw_pool *pool,
                       struct pw_err *err)
{
    memset(sim, 0, sizeof *sim);
    if (c->year < cfg->start_year || c->year > cfg->end_year)
        return pw_err_set(err, PW_ECHECKPOINT, "checkpoint of year %d does not belong to a run of %d-%d", c->year,
                          cfg->start_year, cfg->end_year);
    struct pw_census shell;
    memset(&shell, 0, sizeof shell);
    if (pw_workforce_init(&shell.roster, wf->strings, 1) != 0)
        return pw_err_set(err, PW_ENOMEM, "out of memory for the workforce");
    int rc = pw_sim_init(sim, cfg, tables, &shell, pool, err);   /* takes shell.roster */
    if (rc == 0 && pw_workforce_reserve(&sim->spare, wf->count + 64) != 0)
        rc = pw_err_set(err, PW_ENOMEM, "out of memory for the workforce");
    if (rc) {
        pw_sim_release(sim);
        return rc;
    }
    pw_workforce_release(&sim->wf);
    sim->wf = *wf;
    memset(wf, 0, sizeof *wf);
    sim->first_year = c->year + 1;
    sim->prior_year_hires_active = c->prior_year_hires_active;
    sim->hire_excluded_share = c->hire_excluded_share;
    sim->census_roster_size = (size_t)c->census_roster_size;
    sim->total_events = (size_t)c->total_events;
    sim->total_snapshot_rows = (size_t)c->total_snapshot_rows;
    return 0;
}
