/* cmd_checkpoint.c: `planwise checkpoint inspect FILE` prints the header and the
 * column directory of a year checkpoint (io/checkpoint.h) and verifies its
 * checksums: exit 0 when the file is intact, 1 when it is damaged or unreadable. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "io/checkpoint.h"

static void checkpoint_usage(FILE *out)
{
    fputs("usage: planwise checkpoint <subcommand> [options]\n"
          "\n"
          "Year checkpoints: the state a run carries from one year to the next.\n"
          "\n"
          "subcommands:\n"
          "  inspect    print a checkpoint's header and columns and verify its checksums\n"
          "\n"
          "Run 'planwise checkpoint inspect --help' for its options.\n",
          out);
}

static void inspect_usage(FILE *out)
{
    fputs("usage: planwise checkpoint inspect FILE\n"
          "\n"
          "Prints the header of a year checkpoint (format version, scenario, seed, year,\n"
          "row count, configuration and schema hashes, the carried scalars), its column\n"
          "directory with raw and stored sizes and the transform of each column, and the\n"
          "overall compression ratio; then decompresses the body and verifies the header\n"
          "checksum and the LZ4 block and content checksums.\n"
          "\n"
          "options:\n"
          "  -h, --help   show this help\n"
          "\n"
          "Exit codes: 0 the checkpoint is intact, 1 it is damaged or cannot be read,\n"
          "2 usage error.\n",
          out);
}

/* 1234567 -> "1,234,567" */
static const char *group(uint64_t v, char buf[32])
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v), k = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) buf[k++] = ',';
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
    return buf;
}

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static double ratio(uint64_t raw, uint64_t stored) { return stored ? (double)raw / (double)stored : 0.0; }

static void print_header(const char *path, const struct pw_checkpoint_header *h)
{
    char a[32], b[32], c[32], x[41];
    printf("checkpoint       %s\n", path);
    printf("format version   %u\n", (unsigned)h->version);
    printf("scenario         %s\n", h->scenario_id);
    printf("seed             %" PRIu64 "\n", h->seed);
    printf("year             %d (state at the start of %d)\n", (int)h->carried.year, (int)h->carried.year + 1);
    printf("rows             %s\n", group(h->rows, a));
    hex(h->config_hash, 20, x);
    printf("config hash      %s\n", x);
    hex(h->schema_hash, 20, x);
    printf("schema hash      %s (%s)\n", x,
           h->schema_matches ? "this build" : "another build: other workforce columns, cannot be resumed here");
    printf("carried          prior_year_hires_active %" PRId64 ", hire_excluded_share %.17g,\n",
           h->carried.prior_year_hires_active, h->carried.hire_excluded_share);
    printf("                 census_roster_size %" PRIu64 ", total_events %" PRIu64 ", total_snapshot_rows %" PRIu64 "\n",
           h->carried.census_roster_size, h->carried.total_events, h->carried.total_snapshot_rows);
    printf("file             %s bytes: header %s, LZ4 frame %s\n", group(h->file_bytes, a), group(h->header_bytes, b),
           group(h->stored_bytes, c));
    printf("columns          %u: raw %s bytes, transformed %s, stored %s\n", (unsigned)h->column_count,
           group(h->raw_bytes, a), group(h->body_bytes, b), group(h->stored_bytes, c));
    printf("compression      %.2fx (raw / LZ4 frame), %.2fx (raw / whole file)\n", ratio(h->raw_bytes, h->stored_bytes),
           ratio(h->raw_bytes, h->file_bytes));
    printf("\n%-28s %-4s %-14s %14s %14s %8s\n", "column", "type", "transform", "raw bytes", "stored bytes", "ratio");
    for (uint32_t i = 0; i < h->column_count; i++) {
        const struct pw_checkpoint_column *col = &h->columns[i];
        char t[40];
        pw_checkpoint_transform_name(col->transform, col->scale, t, sizeof t);
        printf("%-28s %-4s %-18s %14s %14s %7.2fx\n", col->name, pw_checkpoint_type_name(col->type), t,
               group(col->raw_bytes, a), group(col->stored_bytes, b), ratio(col->raw_bytes, col->stored_bytes));
    }
}

static int cmd_inspect(int argc, char **argv)
{
    const char *cmd = "checkpoint inspect";
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    opterr = 0;
    optind = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1;) {
        switch (c) {
        case 'h': inspect_usage(stdout); return PW_EXIT_OK;
        default:
            if (optopt && optopt != 'h') return pw_cli_usage_error(cmd, "unknown option '-%c'", optopt);
            return pw_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return pw_cli_usage_error(cmd, "missing checkpoint FILE");
    if (optind + 1 < argc) return pw_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
    const char *path = argv[optind];

    struct pw_err err = {0};
    struct pw_checkpoint_reader *r;
    if (pw_checkpoint_open(&r, path, &err) != 0) return pw_cli_fail(&err);
    print_header(path, pw_checkpoint_header(r));
    int rc = pw_checkpoint_verify(r, &err);
    pw_checkpoint_close(r);
    fflush(stdout);
    if (rc) {
        printf("\nchecksums        header ok, body DAMAGED\n");
        fflush(stdout);
        return pw_cli_fail(&err);
    }
    printf("\nchecksums        header ok, body ok (LZ4 block and content checksums)\n");
    return PW_EXIT_OK;
}

int pw_cmd_checkpoint(int argc, char **argv)
{
    if (argc < 2) return pw_cli_usage_error("checkpoint", "missing subcommand; expected 'inspect'");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        checkpoint_usage(stdout);
        return PW_EXIT_OK;
    }
    if (strcmp(sub, "inspect") == 0) return cmd_inspect(argc - 1, argv + 1);
    return pw_cli_usage_error("checkpoint", "unknown checkpoint subcommand '%s'", sub);
}
