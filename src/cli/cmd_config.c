/* cmd_config.c: `planwise config show [--config FILE]`, the effective
 * configuration as YAML with every default filled in, so an analyst can see
 * exactly what a run would use (and save it as a starting file). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "io/yaml_config.h"
#include "model/config.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: planwise config show [--config FILE [--scenario-file F]...]\n"
            "\n"
            "Print the effective configuration as YAML, with defaults filled in and\n"
            "relative paths resolved against the folder of FILE. Without --config the\n"
            "built-in defaults are shown. Each key is preceded by a comment with its\n"
            "meaning and allowed values, retirement-plan sections included.\n"
            "\n"
            "options:\n"
            "  -c, --config FILE   configuration file (simulation_config.yaml layout)\n"
            "  -s, --scenario-file F\n"
            "                      partial YAML deep-merged over FILE; repeatable, in order;\n"
            "                      the merged result is printed\n"
            "  -h, --help          show this help\n"
            "\n"
            "Exit codes: 0 success, 1 invalid configuration, 2 usage error.\n");
}

static int config_show(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"scenario-file", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *paths[PW_CONFIG_LAYERS_MAX] = {NULL};
    int overlays = 0;
    int c;
    opterr = 0;
    optind = 0; /* glibc: 0 re-initialises getopt for a fresh argument vector */
    while ((c = getopt_long(argc, argv, "+:c:s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': paths[0] = optarg; break;
        case 's':
            if (overlays == PW_CONFIG_LAYERS_MAX - 1)
                return pw_cli_usage_error("config show", "too many --scenario-file options (at most %d)",
                                          PW_CONFIG_LAYERS_MAX - 1);
            paths[++overlays] = optarg;
            break;
        case 'h': usage(stdout); return PW_EXIT_OK;
        case ':': return pw_cli_usage_error("config show", "option '%s' needs a value", argv[optind - 1]);
        default:
            return pw_cli_usage_error("config show", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("config show", "unexpected argument '%s'", argv[optind]);
    if (overlays && !paths[0])
        return pw_cli_usage_error("config show", "--scenario-file needs --config (the base configuration)");

    struct pw_config cfg;
    struct pw_err err = {0};
    if (paths[0]) {
        if (pw_config_load_layers(&cfg, paths, overlays + 1, &err)) return pw_cli_fail(&err);
    } else {
        pw_config_init_defaults(&cfg);
        if (pw_config_finalize(&cfg, &err)) return pw_cli_fail(&err);
    }
    if (pw_config_write_yaml(&cfg, stdout) || fflush(stdout) != 0) {
        pw_err_set(&err, PW_EIO, "cannot write the configuration to standard output");
        return pw_cli_fail(&err);
    }
    return PW_EXIT_OK;
}

int pw_cmd_config(int argc, char **argv)
{
    if (argc < 2) return pw_cli_usage_error("config", "missing subcommand (show)");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        usage(stdout);
        return PW_EXIT_OK;
    }
    if (strcmp(sub, "show") == 0) return config_show(argc - 1, argv + 1);
    return pw_cli_usage_error("config", "unknown subcommand '%s' (expected 'show')", sub);
}
