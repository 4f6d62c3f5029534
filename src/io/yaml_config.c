/* yaml_config.c: libyaml document walk that feeds the configuration key table.
 *
 * For each mapping entry the dotted key is resolved in this order: a row of
 * the key table (parse it; list-valued plan rows get their subtree copied into
 * a libyaml-free tree for model/plan_config_lists.c), a known section (descend), a
 * reference key that is deliberately unused (skip silently), a reference key of
 * a feature planwise does not model (warn once per leaf), else unknown (warn
 * once for the whole subtree). The input may be hostile (fuzzing, user files),
 * so nesting depth and the number of nodes visited (aliases can make a small
 * file a huge tree) are bounded. */
#include "io/yaml_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/log.h"
#include "model/config_keys.h"
#include "model/plan_config_lists.h"

#define KEY_MAX 512
#define DEPTH_MAX 64
#define VISIT_MAX 1000000L
#define TREE_MAX 65536L /* values below one list-valued key; real formulas use a few hundred */
#define FILE_MAX (64L << 20)

struct walk {
    struct pw_config *cfg;
    yaml_document_t *doc;
    const char *name;     /* display name */
    int *lines;           /* per row index: line of the key, 0 = absent */
    struct pw_plan_lines *plan_lines; /* lines of formulas, tiers and schedule rows */
    long visits;
    long tree_nodes;      /* nodes copied for the current list-valued key */
    struct pw_err *err;
    pw_config_problem_fn each; /* collecting mode: receives each key's error, or NULL */
    void *each_ctx;
    int problems;         /* errors handed to each */
    bool stop;            /* a limit was hit: the walk must end even in collecting mode */
    char infra[256];      /* infrastructure blocks skipped, for one info line */
    yaml_node_t *dc_plan; /* the dc_plan block, applied after the rest of the file */
};

/* In collecting mode a key's error goes to w->each and the walk goes on with the
 * next key (the bad one keeps its default); limits and resource errors still end it. */
static bool keep_going(struct walk *w)
{
    if (!w->each || w->stop || w->err->code != PW_ECONFIG) return false;
    w->each(w->each_ctx, w->err);
    w->problems++;
    pw_err_clear(w->err);
    return true;
}

static int line_of(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

static void where(const struct walk *w, const yaml_node_t *n, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%d: ", w->name, line_of(n));
}

static bool is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
    const char *s = (const char *)n->data.scalar.value;
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static const char *shape(const yaml_node_t *n)
{
    return n->type == YAML_MAPPING_NODE ? "a mapping" : n->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar";
}

static int walk_mapping(struct walk *w, const char *prefix, yaml_node_t *map, int depth);

/* Warns once for each leaf below a not-modelled key (lists and scalars are leaves). */
static int warn_not_modelled(struct walk *w, const char *key, yaml_node_t *value, const yaml_node_t *at, int depth)
{
    if (value->type == YAML_MAPPING_NODE) return walk_mapping(w, key, value, depth + 1);
    pw_warn("%s:%d: '%s' is not modelled; ignored", w->name, line_of(at), key);
    return 0;
}

static void free_node(struct pw_node *n)
{
    for (int i = 0; i < n->count; i++) free_node(&n->child[i]);
    free(n->child);
}

/* Copies a libyaml subtree into *out (free with free_node, also on error);
 * bounded like the walk itself. Scalar texts point into the document. */
static int build_node(struct walk *w, const char *key, yaml_node_t *n, struct pw_node *out, int depth)
{
    char at[PW_PATH_MAX + 32];
    memset(out, 0, sizeof *out);
    out->line = out->key_line = line_of(n);
    /* The copy costs memory, so it has a budget of its own, far below the walk's. */
    if (depth > DEPTH_MAX || ++w->visits > VISIT_MAX || ++w->tree_nodes > TREE_MAX) {
        w->stop = true;
        where(w, n, at, sizeof at);
        if (depth > DEPTH_MAX)
            return pw_err_set(w->err, PW_ECONFIG, "%snesting deeper than %d levels", at, DEPTH_MAX);
        return pw_err_set(w->err, PW_ECONFIG, "%s'%s' has more than %ld values (alias loop?)", at, key, TREE_MAX);
    }
    size_t count = 0;
    if (n->type == YAML_SCALAR_NODE) {
        out->kind = is_null(n) ? PW_NODE_NULL : PW_NODE_SCALAR;
        out->text = out->kind == PW_NODE_SCALAR ? (const char *)n->data.scalar.value : NULL;
        return 0;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        out->kind = PW_NODE_LIST;
        count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    } else if (n->type == YAML_MAPPING_NODE) {
        out->kind = PW_NODE_MAP;
        count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    } else {
        return 0; /* libyaml has no other node kinds in a loaded document */
    }
    if (count == 0) return 0;
    if (count > (size_t)TREE_MAX) {
        where(w, n, at, sizeof at);
        return pw_err_set(w->err, PW_ECONFIG, "%s'%s' has more than %ld values", at, key, TREE_MAX);
    }
    if (!(out->child = calloc(count, sizeof *out->child)))
        return pw_err_set(w->err, PW_ENOMEM, "out of memory reading '%s'", key);
    for (size_t i = 0; i < count; i++) {
        struct pw_node *c = &out->child[i];
        yaml_node_t *item;
        out->count++;
        if (out->kind == PW_NODE_LIST) {
            item = yaml_document_get_node(w->doc, n->data.sequence.items.start[i]);
            if (build_node(w, key, item, c, depth + 1)) return PW_ECONFIG;
            continue;
        }
        yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
        yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
        item = yaml_document_get_node(w->doc, p->value);
        if (k->type != YAML_SCALAR_NODE) {
            where(w, k, at, sizeof at);
            return pw_err_set(w->err, PW_ECONFIG, "%skeys below '%s' must be plain names, got %s", at, key, shape(k));
        }
        if (build_node(w, key, item, c, depth + 1)) return PW_ECONFIG;
        c->key = (const char *)k->data.scalar.value;
        c->key_line = line_of(k);
    }
    return 0;
}

static int set_row(struct walk *w, int idx, yaml_node_t *keynode, yaml_node_t *value)
{
    const struct pw_config_key *k = &pw_config_keys[idx];
    char at[PW_PATH_MAX + 32], allowed[256];
    where(w, keynode, at, sizeof at);
    if (w->lines[idx])
        pw_warn("%s:%d: '%s' is given again (first on line %d); the last value wins", w->name, line_of(keynode),
                k->key, w->lines[idx]);
    w->lines[idx] = line_of(keynode);

    if (pw_config_key_is_list(k->type)) {
        struct pw_node tree;
        w->tree_nodes = 0;
        int rc = build_node(w, k->key, value, &tree, 0);
        tree.key = k->key;
        tree.key_line = line_of(keynode);
        if (rc == 0) rc = pw_plan_set_list(w->cfg, k, &tree, w->name, w->plan_lines, w->err);
        free_node(&tree);
        return rc;
    }
    if (k->type == PW_KEY_LEVEL_MAP && value->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = value->data.mapping.pairs.start; p < value->data.mapping.pairs.top; p++) {
            yaml_node_t *lk = yaml_document_get_node(w->doc, p->key);
            yaml_node_t *lv = yaml_document_get_node(w->doc, p->value);
            where(w, lk, at, sizeof at);
            if (lk->type != YAML_SCALAR_NODE || lv->type != YAML_SCALAR_NODE)
                return pw_err_set(w->err, PW_ECONFIG, "%s'%s' must map job levels to numbers, got %s: %s", at,
                                  k->key, shape(lk), shape(lv));
            /* `level: null` drops a level, so `config show` can print any map
             * (entries merge over the defaults) and read it back unchanged. */
            if (pw_config_key_set_level(w->cfg, k, (const char *)lk->data.scalar.value,
                                        is_null(lv) ? NULL : (const char *)lv->data.scalar.value, at, w->err))
                return PW_ECONFIG;
        }
        return 0;
    }
    if (value->type != YAML_SCALAR_NODE) {
        pw_config_key_allowed(k, allowed, sizeof allowed);
        return pw_err_set(w->err, PW_ECONFIG, "%s'%s' must be %s, got %s", at, k->key, allowed, shape(value));
    }
    return pw_config_key_set(w->cfg, k, (const char *)value->data.scalar.value, is_null(value), at, w->err);
}

static int walk_entry(struct walk *w, const char *key, yaml_node_t *keynode, yaml_node_t *value, int depth)
{
    int idx = pw_config_key_index(key);
    if (idx >= 0) return set_row(w, idx, keynode, value);
    if (pw_config_key_is_section(key)) {
        if (value->type == YAML_MAPPING_NODE) return walk_mapping(w, key, value, depth + 1);
        if (is_null(value)) return 0; /* a section with every key commented out */
        char at[PW_PATH_MAX + 32];
        where(w, keynode, at, sizeof at);
        return pw_err_set(w->err, PW_ECONFIG, "%s'%s' must be a mapping of keys, got %s", at, key, shape(value));
    }
    if (strcmp(key, "dc_plan") == 0) {
        w->dc_plan = value; /* it wins over the keys it maps onto, wherever it stands */
        return 0;
    }
    size_t used;
    switch (pw_config_key_classify(key)) {
    case PW_KEY_IGNORED: return 0;
    case PW_KEY_INFRASTRUCTURE:
        used = strlen(w->infra);
        /* Appended by hand: the length is checked here, and snprintf's truncation
         * warning cannot see that check. */
        if (used + strlen(key) + 3 < sizeof w->infra) {
            if (used) memcpy(w->infra + used, ", ", 2), used += 2;
            memcpy(w->infra + used, key, strlen(key) + 1);
        }
        return 0;
    case PW_KEY_NOT_MODELLED: return warn_not_modelled(w, key, value, keynode, depth);
    case PW_KEY_UNKNOWN: break;
    }
    pw_warn("%s:%d: unknown key '%s'; ignored", w->name, line_of(keynode), key);
    return 0;
}

/* The dc_plan block goes through model/config_dcplan.c as a libyaml-free tree. */
static int apply_dc_plan(struct walk *w)
{
    struct pw_node tree;
    w->tree_nodes = 0;
    int rc = build_node(w, "dc_plan", w->dc_plan, &tree, 0);
    tree.key = "dc_plan";
    if (rc == 0) rc = pw_config_apply_dc_plan(w->cfg, &tree, w->name, w->lines, w->plan_lines, w->err);
    free_node(&tree);
    if (rc && keep_going(w)) rc = 0;
    return rc;
}

/* Known sections seen in one mapping, to catch a section given twice. */
#define SEEN_MAX 128

static int walk_mapping(struct walk *w, const char *prefix, yaml_node_t *map, int depth)
{
    char at[PW_PATH_MAX + 32];
    const yaml_node_t *seen[SEEN_MAX];
    int seen_count = 0;
    if (depth > DEPTH_MAX) {
        w->stop = true;
        where(w, map, at, sizeof at);
        return pw_err_set(w->err, PW_ECONFIG, "%snesting deeper than %d levels", at, DEPTH_MAX);
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
        if (++w->visits > VISIT_MAX) {
            w->stop = true;
            where(w, k, at, sizeof at);
            return pw_err_set(w->err, PW_ECONFIG, "%sthe document has more than %ld keys (alias loop?)", at,
                              VISIT_MAX);
        }
        if (k->type != YAML_SCALAR_NODE) {
            where(w, k, at, sizeof at);
            pw_err_set(w->err, PW_ECONFIG, "%skeys below '%s' must be plain names, got %s", at,
                       *prefix ? prefix : "the top level", shape(k));
            if (keep_going(w)) continue;
            return PW_ECONFIG;
        }
        char key[KEY_MAX];
        int n = snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", (const char *)k->data.scalar.value);
        if (n < 0 || n >= (int)sizeof key) {
            pw_warn("%s:%d: unknown key '%.60s...'; ignored", w->name, line_of(k), key);
            continue;
        }
        /* A section given twice: YAML loaders keep only the last one (the
         * reference's drops the first whole), a key-by-key merge would be a
         * guess, so it is an error naming both lines. Bounded by the number of
         * distinct known sections, so hostile files cannot make it quadratic. */
        if (v->type == YAML_MAPPING_NODE && pw_config_key_is_section(key)) {
            const yaml_node_t *first = NULL;
            for (int i = 0; i < seen_count && !first; i++)
                if (!strcmp((const char *)seen[i]->data.scalar.value, (const char *)k->data.scalar.value))
                    first = seen[i];
            if (first) {
                where(w, k, at, sizeof at);
                pw_err_set(w->err, PW_ECONFIG, "%ssection '%s' is given again (first on line %d); merge the two",
                           at, key, line_of(first));
                if (keep_going(w)) continue;
                return PW_ECONFIG;
            }
            if (seen_count < SEEN_MAX) seen[seen_count++] = k;
        }
        if (walk_entry(w, key, k, v, depth) && !keep_going(w)) return PW_ECONFIG;
    }
    return 0;
}

/* Prefixes relative path fields with base_dir; defaults included, so a
 * missing key means the same as the default written in the file. With
 * only_given (scenario overlays) just the keys this file wrote are resolved:
 * the others were resolved by the layer that set them. */
static int resolve_paths(struct pw_config *cfg, const char *base_dir, const char *name, const int *lines,
                         bool only_given, struct pw_err *err)
{
    if (!base_dir || !*base_dir || strcmp(base_dir, ".") == 0) return 0;
    for (size_t i = 0; i < pw_config_key_count; i++) {
        const struct pw_config_key *k = &pw_config_keys[i];
        if (k->type != PW_KEY_PATH || k->offset == PW_KEY_NO_FIELD) continue;
        if (only_given && !lines[i]) continue;
        char *path = (char *)cfg + k->offset;
        if (!*path || path[0] == '/') continue;
        char joined[PW_PATH_MAX];
        bool slash = base_dir[strlen(base_dir) - 1] == '/';
        int n = snprintf(joined, sizeof joined, "%s%s%s", base_dir, slash ? "" : "/", path);
        if (n < 0 || n >= (int)sizeof joined) {
            char at[PW_PATH_MAX + 32] = "";
            if (lines[i]) snprintf(at, sizeof at, "%s:%d: ", name, lines[i]);
            return pw_err_set(err, PW_ECONFIG, "%s'%s' is longer than %d characters once resolved against '%s'", at,
                              k->key, PW_PATH_MAX - 1, base_dir);
        }
        memcpy(path, joined, (size_t)n + 1);
    }
    return 0;
}

/* One YAML text of a layered load: the base configuration or a scenario overlay. */
struct layer {
    const char *text;
    size_t len;
    const char *name;      /* display name, never NULL */
    const char *base_dir;  /* relative paths of this file resolve against it; "" or NULL: as written */
};

/* Event pass before the document is built: libyaml builds the whole node tree
 * before the walk could see its depth, and its scanner is quadratic in the
 * nesting of flow collections (200 KB of '[' took over half a minute), so
 * nesting beyond DEPTH_MAX ends the load as soon as the parser reaches it. The
 * same pass refuses a second document: a configuration is one mapping, and a
 * stray `---` would otherwise silently drop everything after it. Returns 0, or
 * 1 when the text has a syntax error (left for yaml_parser_load to report with
 * its message), or PW_ECONFIG/PW_ENOMEM. */
static int prescan(const struct layer *l, struct pw_err *err)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    int depth = 0, documents = 0, rc = 0;
    if (!yaml_parser_initialize(&parser)) return pw_err_set(err, PW_ENOMEM, "out of memory loading '%s'", l->name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)l->text, l->len);
    for (bool done = false; !done && rc == 0;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = 1;
            break;
        }
        int line = (int)ev.start_mark.line + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1)
                rc = pw_err_set(err, PW_ECONFIG,
                                "%s:%d: a second YAML document starts here; a configuration is one document "
                                "(give scenario files with --scenario-file)", l->name, line);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > DEPTH_MAX)
                rc = pw_err_set(err, PW_ECONFIG, "%s:%d: nesting deeper than %d levels", l->name, line, DEPTH_MAX);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: depth--; break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return rc;
}


/* Walks one layer onto cfg as it stands (no defaults reset): a mapping key
 * descends and merges key by key, a list-valued key or a scalar replaces what
 * is there, which is the deep-merge rule of the reference's scenario files.
 * lines (zeroed by the caller) receives the line of every row this file sets. */
static int apply_layer(struct pw_config *cfg, const struct layer *l, bool overlay, int *lines,
                       struct pw_plan_lines *plan_lines, pw_config_problem_fn each, void *each_ctx, int *problems,
                       struct pw_err *err)
{
    const char *name = l->name;
    yaml_parser_t parser;
    yaml_document_t doc;
    int rc = prescan(l, err);
    if (rc < 0) return rc;
    rc = 0;
    if (!yaml_parser_initialize(&parser)) return pw_err_set(err, PW_ENOMEM, "out of memory loading '%s'", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)l->text, l->len);
    if (!yaml_parser_load(&parser, &doc)) {
        const char *problem = parser.problem ? parser.problem : "syntax error";
        if (parser.error == YAML_READER_ERROR)
            rc = pw_err_set(err, PW_ECONFIG, "%s: invalid YAML at byte %zu: %s", name, parser.problem_offset, problem);
        else if (parser.error == YAML_MEMORY_ERROR)
            rc = pw_err_set(err, PW_ENOMEM, "out of memory parsing '%s'", name);
        else
            rc = pw_err_set(err, PW_ECONFIG, "%s:%zu:%zu: invalid YAML: %s%s%s", name, parser.problem_mark.line + 1,
                            parser.problem_mark.column + 1, problem, parser.context ? " " : "",
                            parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return rc;
    }

    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && !is_null(root)) {
        if (root->type != YAML_MAPPING_NODE) {
            rc = pw_err_set(err, PW_ECONFIG, "%s:%d: the top level must be a mapping of keys, got %s", name,
                            line_of(root), shape(root));
        } else {
            struct walk w = {cfg, &doc, name, lines, plan_lines, 0, 0, err, each, each_ctx, 0, false, "", NULL};
            rc = walk_mapping(&w, "", root, 0);
            if (rc == 0 && w.dc_plan) rc = apply_dc_plan(&w);
            *problems += w.problems;
            if (w.infra[0]) pw_info("%s: skipped the reference system's infrastructure settings: %s", name, w.infra);
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc == 0) rc = resolve_paths(cfg, l->base_dir, name, lines, overlay, err);
    return rc;
}

/* Defaults, then each layer in order, then one finalize: cross-key rules judge
 * the merged result, and their messages name the file and line that last set
 * the key at fault. With each set, key errors go to each and loading goes on
 * (*problems counts them). */
static int load_layers(struct pw_config *cfg, const struct layer *layers, int n, pw_config_problem_fn each,
                       void *each_ctx, int *problems, struct pw_err *err)
{
    pw_config_init_defaults(cfg);
    snprintf(cfg->config_path, sizeof cfg->config_path, "%s", n > 0 ? layers[0].name : "");
    int *lines = calloc(pw_config_key_count, sizeof *lines);
    int *merged = calloc(pw_config_key_count, sizeof *merged);
    const char **names = calloc(pw_config_key_count, sizeof *names);
    struct pw_plan_lines *plan_lines = calloc(1, sizeof *plan_lines);
    int rc = 0;
    if (!lines || !merged || !names || !plan_lines) {
        rc = pw_err_set(err, PW_ENOMEM, "out of memory loading '%s'", n > 0 ? layers[0].name : "<config>");
        goto done;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        /* Fresh lines per file: a key in the base and again in an overlay is
         * the point of an overlay, not a repeated key. */
        memset(lines, 0, pw_config_key_count * sizeof *lines);
        rc = apply_layer(cfg, &layers[i], i > 0, lines, plan_lines, each, each_ctx, problems, err);
        for (size_t k = 0; k < pw_config_key_count; k++)
            if (lines[k]) merged[k] = lines[k], names[k] = layers[i].name;
    }
    if (rc == 0) {
        struct pw_config_source src = {n > 0 ? layers[0].name : "<config>", merged, plan_lines, names};
        rc = pw_config_finalize_at(cfg, &src, err);
    }
done:
    free(lines);
    free(merged);
    free(names);
    free(plan_lines);
    return rc;
}

/* Loads text; with each set, key errors go to each and loading goes on (*problems counts them). */
static int load_text(struct pw_config *cfg, const char *text, size_t len, const char *display_name,
                     const char *base_dir, pw_config_problem_fn each, void *each_ctx, int *problems,
                     struct pw_err *err)
{
    struct layer l = {text, len, display_name && *display_name ? display_name : "<config>", base_dir};
    int rc = load_layers(cfg, &l, 1, each, each_ctx, problems, err);
    snprintf(cfg->config_path, sizeof cfg->config_path, "%s", display_name ? display_name : "");
    return rc;
}

/* The folder of path ("" for a bare file name), against which relative paths resolve. */
static void base_dir_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) dir[0] = '\0';
    else if (slash == path) snprintf(dir, size, "/");
    else snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

int pw_config_load_text(struct pw_config *cfg, const char *text, size_t len, const char *display_name,
                        const char *base_dir, struct pw_err *err)
{
    int problems = 0;
    return load_text(cfg, text, len, display_name, base_dir, NULL, NULL, &problems, err);
}

int pw_config_load_file_each(struct pw_config *cfg, const char *path, pw_config_problem_fn fn, void *ctx,
                             struct pw_err *err)
{
    struct pw_err one = {0};
    char *text;
    size_t len;
    int problems = 0;
    pw_config_init_defaults(cfg);
    int rc = pw_config_read_text(path, &text, &len, &one);
    if (!rc) {
        char dir[PW_PATH_MAX];
        base_dir_of(path, dir, sizeof dir);
        rc = load_text(cfg, text, len, path, dir, fn, ctx, &problems, &one);
        free(text);
    }
    if (rc) {
        fn(ctx, &one);   /* the error that ended the load, or the first cross-key error */
        problems++;
    }
    if (problems == 0) return 0;
    return pw_err_set(err, rc ? rc : PW_ECONFIG, "'%s': %d problem%s", path, problems, problems == 1 ? "" : "s");
}

int pw_config_read_text(const char *path, char **out, size_t *len, struct pw_err *err)
{
    *out = NULL;
    if (len) *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            if (cap >= (size_t)FILE_MAX) {
                free(buf);
                fclose(f);
                return pw_err_set(err, PW_EIO, "cannot read '%s': larger than %ld MiB", path, FILE_MAX >> 20);
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) break;
            buf = grown, cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0) break;
    }
    if (!buf || (n + 1 >= cap && !feof(f))) {
        free(buf);
        fclose(f);
        return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", path);
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return pw_err_set(err, PW_EIO, "cannot read '%s': %s", path, strerror(e));
    }
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    if (len) *len = n;
    return 0;
}

int pw_config_load_file(struct pw_config *cfg, const char *path, struct pw_err *err)
{
    char *text;
    size_t len;
    int rc = pw_config_read_text(path, &text, &len, err);
    if (rc) return rc;
    char dir[PW_PATH_MAX];
    base_dir_of(path, dir, sizeof dir);
    rc = pw_config_load_text(cfg, text, len, path, dir, err);
    free(text);
    return rc;
}

/* Reads every file of a layered load into layers[] (texts freed by free_layers). */
static int read_layers(const char *const *paths, int n, struct layer *layers, char (*dirs)[PW_PATH_MAX],
                       struct pw_err *err)
{
    for (int i = 0; i < n; i++) {
        char *text;
        size_t len;
        int rc = pw_config_read_text(paths[i], &text, &len, err);
        if (rc) return rc;
        base_dir_of(paths[i], dirs[i], PW_PATH_MAX);
        layers[i] = (struct layer){text, len, paths[i], dirs[i]};
    }
    return 0;
}

static void free_layers(struct layer *layers, int n)
{
    for (int i = 0; i < n; i++) free((char *)layers[i].text);
}

/* Shared by pw_config_load_layers and its collecting variant. */
static int load_paths(struct pw_config *cfg, const char *const *paths, int n, pw_config_problem_fn fn, void *ctx,
                      int *problems, struct pw_err *err)
{
    if (n < 1 || n > PW_CONFIG_LAYERS_MAX) {
        pw_config_init_defaults(cfg);
        return pw_err_set(err, PW_ECONFIG, "between 1 and %d configuration files can be layered, got %d",
                          PW_CONFIG_LAYERS_MAX, n);
    }
    struct layer layers[PW_CONFIG_LAYERS_MAX] = {{0}};
    char (*dirs)[PW_PATH_MAX] = calloc((size_t)n, sizeof *dirs); /* heap: callers may run on worker threads */
    if (!dirs) {
        pw_config_init_defaults(cfg);
        return pw_err_set(err, PW_ENOMEM, "out of memory loading '%s'", paths[0]);
    }
    int rc = read_layers(paths, n, layers, dirs, err);
    if (rc) pw_config_init_defaults(cfg);
    else rc = load_layers(cfg, layers, n, fn, ctx, problems, err);
    free_layers(layers, n);
    free(dirs);
    return rc;
}

int pw_config_load_layers(struct pw_config *cfg, const char *const *paths, int n, struct pw_err *err)
{
    int problems = 0;
    return load_paths(cfg, paths, n, NULL, NULL, &problems, err);
}

int pw_config_load_layers_each(struct pw_config *cfg, const char *const *paths, int n, pw_config_problem_fn fn,
                               void *ctx, struct pw_err *err)
{
    struct pw_err one = {0};
    int problems = 0;
    int rc = load_paths(cfg, paths, n, fn, ctx, &problems, &one);
    if (rc) {
        fn(ctx, &one);
        problems++;
    }
    if (problems == 0) return 0;
    return pw_err_set(err, rc ? rc : PW_ECONFIG, "'%s': %d problem%s", n > 0 ? paths[n - 1] : "", problems,
                      problems == 1 ? "" : "s");
}

int pw_config_load_text_layers(struct pw_config *cfg, const char *const *texts, const size_t *lens,
                               const char *const *names, const char *const *base_dirs, int n, struct pw_err *err)
{
    if (n < 1 || n > PW_CONFIG_LAYERS_MAX) {
        pw_config_init_defaults(cfg);
        return pw_err_set(err, PW_ECONFIG, "between 1 and %d configuration texts can be layered, got %d",
                          PW_CONFIG_LAYERS_MAX, n);
    }
    struct layer layers[PW_CONFIG_LAYERS_MAX];
    for (int i = 0; i < n; i++)
        layers[i] = (struct layer){texts[i], lens[i], names[i] && *names[i] ? names[i] : "<config>",
                                   base_dirs ? base_dirs[i] : NULL};
    int problems = 0;
    return load_layers(cfg, layers, n, NULL, NULL, &problems, err);
}

int pw_config_load_texts(struct pw_config *cfg, const char *const *texts, const size_t *lens,
                         const char *const *names, int n, struct pw_err *err)
{
    return pw_config_load_text_layers(cfg, texts, lens, names, NULL, n, err);
}
