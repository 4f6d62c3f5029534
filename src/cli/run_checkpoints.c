/* run_checkpoints.c: the checkpoints of `planwise run`: one after each year,
 * and the checks that let --resume continue a stopped run and --from-checkpoint
 * start a branch, refusing anything that does not match. */
#include <stdio.h>
#include <string.h>

#include "cli/run_int.h"
#include "core/clock.h"
#include "core/log.h"

/* --resume / --from-checkpoint: the checkpoint to start from, read and verified
 * (a resumed run must match it exactly; a branch may change the configuration). */
int pw__run_load_checkpoint(struct run_state *s, const struct run_options *o, struct pw_err *err)
{
    const struct pw_config *cfg = &s->cfg;
    int rc, year = 0;
    if (o->resume) {
        rc = pw_checkpoint_find_last(s->checkpoint_dir, cfg->scenario_id, cfg->end_year, s->resume_path,
                                     sizeof s->resume_path, &year, err);
        if (rc < 0) return rc;
        if (rc == 0)
            return pw_err_set(err, PW_ECHECKPOINT,
                              "no checkpoint of scenario '%s' in '%s': nothing to resume (run without --resume)",
                              cfg->scenario_id, s->checkpoint_dir);
    } else {
        snprintf(s->resume_path, sizeof s->resume_path, "%s", o->from_checkpoint);
    }
    if (o->from_checkpoint) {
        /* A branch is a new scenario: writing it over the checkpoint's own scenario
         * would replace the history it starts from. */
        struct pw_checkpoint_reader *r;
        if ((rc = pw_checkpoint_open(&r, s->resume_path, err))) return rc;
        bool same = strcmp(pw_checkpoint_header(r)->scenario_id, cfg->scenario_id) == 0;
        pw_checkpoint_close(r);
        if (same)
            return pw_err_set(err, PW_EUSAGE,
                              "checkpoint '%s' belongs to scenario '%s': give the branch another --scenario",
                              s->resume_path, cfg->scenario_id);
    }
    struct pw_perf_mark mark = pw_perf_start();
    rc = pw_checkpoint_read(s->resume_path, o->resume ? &s->checkpoint_id : NULL, &s->strings, &s->resume_wf,
                            &s->carried, err);
    if (rc) return rc;
    s->resume_wf_ready = true;
    pw_perf_record_named(s->perf, "checkpoint_load", PW_PERF_NO_YEAR, mark, s->resume_wf.count);
    if (s->carried.year < cfg->start_year || s->carried.year > cfg->end_year)
        return pw_err_set(err, PW_ECHECKPOINT, "checkpoint '%s' is of year %d, outside the run's years %d-%d",
                          s->resume_path, s->carried.year, cfg->start_year, cfg->end_year);
    pw_info("%s from checkpoint '%s' (year %d): simulating %d-%d", o->resume ? "resuming" : "branching",
            s->resume_path, s->carried.year, s->carried.year + 1, cfg->end_year);
    return 0;
}

/* A resumed run continues what the database holds: that scenario's run must be
 * unfinished and have committed at least the checkpoint's year. */
int pw__run_check_resumable(struct run_state *s, struct pw_err *err)
{
    const struct pw_config *cfg = &s->cfg;
    int rc = pw_output_run_status(s->db, cfg->scenario_id, &s->previous, err);
    if (rc) return rc;
    if (!s->previous.exists)
        return pw_err_set(err, PW_ECHECKPOINT, "database '%s' holds no run of scenario '%s' to resume", pw_db_path(s->db),
                          cfg->scenario_id);
    if (strcmp(s->previous.status, "complete") == 0)
        return pw_err_set(err, PW_ECHECKPOINT,
                          "scenario '%s' in '%s' is complete: nothing to resume (run without --resume to replace it)",
                          cfg->scenario_id, pw_db_path(s->db));
    if (s->previous.last_completed_year < s->carried.year)
        return pw_err_set(err, PW_ECHECKPOINT,
                          "database '%s' holds scenario '%s' up to year %d but its last checkpoint is of year %d; "
                          "run without --resume",
                          pw_db_path(s->db), cfg->scenario_id, s->previous.last_completed_year, s->carried.year);
    return 0;
}

/* Sink callback after each year's close: the carried state as a checkpoint. */
int pw__run_write_checkpoint(void *p, const struct pw_sim *sim, struct pw_err *err)
{
    struct sink_ctx *ctx = p;
    struct run_state *s = ctx->state;
    struct pw_carried c;
    pw_sim_carried(sim, &c);
    char path[PW_PATH_MAX + 128];
    int rc = pw_checkpoint_path(path, sizeof path, s->checkpoint_dir, s->cfg.scenario_id, c.year, err);
    if (rc) return rc;
    struct pw_perf_mark mark = pw_perf_start();
    struct pw_checkpoint_stats stats;
    if ((rc = pw_checkpoint_write(s->checkpoint_writer, path, &s->checkpoint_id, &sim->wf, &c, &stats, err))) return rc;
    pw_perf_record_named(s->perf, "checkpoint", c.year, mark, sim->wf.count);
    pw_debug("checkpoint '%s': %zu rows, %.1f MB raw, %.1f MB stored (%.2fx), %.3f s", path, sim->wf.count,
             (double)stats.raw_bytes / 1e6, (double)stats.file_bytes / 1e6,
             stats.file_bytes ? (double)stats.raw_bytes / (double)stats.file_bytes : 0.0, stats.seconds);
    return 0;
}

int pw__run_start_checkpoints(struct run_state *s, const struct run_options *o, struct pw_err *err)
{
    int rc = pw_checkpoint_prepare_dir(s->checkpoint_dir, s->cfg.scenario_id, err);
    if (rc) return rc;
    struct pw_checkpoint_options co;
    pw_checkpoint_options_init(&co);
    co.transforms = !o->baseline;
    return pw_checkpoint_writer_new(&s->checkpoint_writer, &co, err);
}
