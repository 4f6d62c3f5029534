/* solver.h: the growth solver (MODEL 4.2), level quotas by largest remainder (4.3)
 * and weighted selection of q members from a group (3.4). Pure functions over
 * small arrays, so they are unit-tested directly against the MODEL test vectors. */
#ifndef PW_SIM_SOLVER_H
#define PW_SIM_SOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "model/year.h"

/* Fills the solver fields of needs from N, H_prev and the rates. */
void pw_needs_solve(struct pw_needs *needs, int64_t n, int64_t h_prev, double growth, double term_rate,
                    double nh_term_rate);

/* Termination quotas for levels 1..levels with headcounts h[l]; sum = total <= sum h. */
void pw_quota_terminations(const int64_t *h, int levels, int64_t total, int64_t *quota);
/* Adaptive hire quotas (weights = headcounts). */
void pw_quota_hires_adaptive(const int64_t *h, int levels, int64_t total, int64_t *quota);
/* Fixed-share hire quotas; share[l] >= 0 for levels 1..levels with a positive sum. */
void pw_quota_hires_fixed(const double *share, int levels, int64_t total, int64_t *quota);

/* A member of a selection group: score s = ln(u)/w; ties broken by row (rows are in
 * employee_id order, so this is the id tie-break of MODEL 3.4). */
struct pw_scored {
    double score;
    uint32_t row;
};
/* Reorders items so that the first q are the q largest by (score desc, row asc). */
void pw_select_top(struct pw_scored *items, size_t n, size_t q);
/* s = ln(u)/w, -inf when u = 0 or w <= 0. */
double pw_selection_score(double u, double w);

#endif
