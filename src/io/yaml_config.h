/* yaml_config.h: loading a simulation_config.yaml into struct pw_config.
 *
 * The loader walks the YAML document with libyaml, builds the dotted key of
 * every node and looks it up in the key table (model/config_keys.h): known
 * keys are parsed and range-checked (match formulas and core schedules by
 * model/plan_config_lists.c), reference keys of features planwise does not model and
 * unknown keys get one warning each, reference keys planwise deliberately does
 * not use are accepted silently. Messages carry the file name and line. */
#ifndef PW_IO_YAML_CONFIG_H
#define PW_IO_YAML_CONFIG_H

#include <stddef.h>

#include "core/err.h"
#include "model/config.h"

/* Reads the whole file into a new NUL-terminated buffer (*out, free() it) so the
 * run command can store the text and its hash in run_metadata. On error *out is
 * NULL and err says `cannot open 'x.yaml': No such file or directory`. */
int pw_config_read_text(const char *path, char **out, size_t *len, struct pw_err *err);

/* Fills cfg with the defaults, applies the YAML text, resolves relative paths
 * against base_dir ("" or NULL: leave them as written) and finalizes
 * (pw_config_finalize). display_name ("config.yaml") starts every message and
 * is stored in cfg->config_path. Code that changes cfg afterwards (CLI
 * overrides) must call pw_config_finalize again. Returns 0 or PW_ECONFIG. */
int pw_config_load_text(struct pw_config *cfg, const char *text, size_t len, const char *display_name,
                        const char *base_dir, struct pw_err *err);

/* pw_config_read_text + pw_config_load_text with the file's folder as base_dir.
 * Returns 0, PW_EIO (cannot read) or PW_ECONFIG. */
int pw_config_load_file(struct pw_config *cfg, const char *path, struct pw_err *err);

/* Receives one configuration problem: a complete message naming file, line and key. */
typedef void (*pw_config_problem_fn)(void *ctx, const struct pw_err *problem);

/* pw_config_load_file that reports every bad key instead of stopping at the
 * first (`planwise validate`): each key error goes to fn, the key keeps its
 * default and loading goes on; then the cross-key rules run (their first error
 * goes to fn too). Unreadable files, invalid YAML and the nesting and size limits
 * still end the load (and go to fn). Returns 0 when fn was never called, else
 * PW_ECONFIG or PW_EIO with err saying how many problems there were. */
int pw_config_load_file_each(struct pw_config *cfg, const char *path, pw_config_problem_fn fn, void *ctx,
                             struct pw_err *err);

/* ---- scenario overlays ----
 * paths[0] is the base configuration, paths[1..n-1] are scenario files: partial
 * YAML in the same layout, applied in order on top of the base. The merge is
 * the reference system's: mappings merge key by key (so a level map or the
 * formula table keeps what the overlay does not name), a scalar or a list
 * replaces the earlier value whole (a core schedule given in an overlay is the
 * new schedule; a formula named in an overlay is that formula, whole). Relative
 * paths resolve against the folder of the file that set them. Cross-key rules
 * run once on the merged result; messages name the file and line that last
 * set the key. cfg->config_path is paths[0]. Returns 0, PW_EIO or PW_ECONFIG. */
#define PW_CONFIG_LAYERS_MAX 16
int pw_config_load_layers(struct pw_config *cfg, const char *const *paths, int n, struct pw_err *err);

/* pw_config_load_layers on texts already in memory (the stored YAML of a run):
 * names[i] is the display name of text i, base_dirs[i] the folder its relative
 * paths resolve against ("" or NULL: as written). */
int pw_config_load_text_layers(struct pw_config *cfg, const char *const *texts, const size_t *lens,
                               const char *const *names, const char *const *base_dirs, int n, struct pw_err *err);

/* pw_config_load_layers in collecting mode, as pw_config_load_file_each. */
int pw_config_load_layers_each(struct pw_config *cfg, const char *const *paths, int n, pw_config_problem_fn fn,
                               void *ctx, struct pw_err *err);

/* pw_config_load_layers over n texts in memory (texts[0] the base, then the
 * overlays), named names[i] in messages; relative paths stay as written. This is
 * how the configuration a run stored in run_metadata is loaded again. */
int pw_config_load_texts(struct pw_config *cfg, const char *const *texts, const size_t *lens,
                         const char *const *names, int n, struct pw_err *err);

/* run_metadata.config_text of a run with scenario files is the base file's text,
 * then for each overlay this line ("\n# --scenario-file " PATH "\n") and its text. */
#define PW_CONFIG_OVERLAY_MARK "\n# --scenario-file "

#endif
