// linli init: a working config for a real compound on its first day (issue 15 point 1).
//
//   linli init [--name NAME] [--roster FILE.csv] [--channels telegram,wechat,...]
//              [--public-url https://HOST] [--out linli.json] [--env-out linli.env]
//              [--locale zh-CN|en] [--timezone Asia/Shanghai]
//              [--database /var/lib/linli/linli.db] [--port 8080]
//
// Writes two new files (bot/server/init_config.h says what is in them): the config (--out,
// default linli.json) with the compound's name, its buildings and units from the roster (the
// format of `linli roster import`, read by the same parser: domain/people/roster_import.h
// CompoundOfRosterCsv), the chosen channels with every secret as a ${LINLI_...} reference;
// and the environment file (--env-out, default linli.env beside the config; mode 0600)
// holding the values ours to choose, drawn from the CSPRNG, and empty lines for the values
// the platforms issue, each under a comment saying where its console shows it.
//
// --name, --roster, --channels and --public-url are needed. A missing one is asked for when
// `terminal` is true (questions on `out`, a bad answer explained on `err` and asked again);
// otherwise it is a usage error naming the flag. The questions, the results and the
// environment file's comments are in --locale (the "cli" texts); usage errors are English,
// like every command's.
//
// It never overwrites: if either file exists (checked before any question, and again when
// writing - each file is written to a temporary file beside it, then hard-linked to its name,
// which fails if the name was taken meanwhile), it says so naming the file and writes
// nothing; a failure writing the second file removes the first. Before writing it loads the
// config it made, with the environment file's values, through the loader and the whole-config
// check (config/config_loader.h, bot/server/startup.h) and checks that no secret is written
// out (config/secret_check.h).
//
// Exit codes: 0 written; 2 a usage error (unknown or malformed flag, a needed value missing
// with no terminal, end of input before an answer); 1 anything else (a file exists, the
// roster cannot be read or has errors - each printed with its line, as `linli roster import`
// prints them -, the texts cannot be loaded, a file cannot be written).
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "bot/server/init_config.h"

namespace linli {

// `args` are the words after "init". `in` is read only to answer questions, which are asked
// only when `terminal`. `draw` makes the generated secrets (tests inject a fixed one).
int RunInitCommand(const std::vector<std::string>& args, std::istream& in, bool terminal,
                   std::ostream& out, std::ostream& err, const DrawSecretFn& draw = DrawSecret);

}  // namespace linli
