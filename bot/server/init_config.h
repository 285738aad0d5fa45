// What `linli init` writes (bot/server/init_command.h), as pure functions of the answers: the
// config file (JSON with comments, loadable by config/config_loader.h as it is) and the
// environment file that holds every value its ${NAME} references stand for.
//
// The channel kinds init knows, each written as one channels[] entry named after the kind (so
// its webhook is <public_url>/webhook/<kind>) with the platform's real api_base:
//   telegram  type telegram   token (platform), secret_token (generated)
//   wechat    type wechat_mp  app_id, app_secret (platform), token, encoding_aes_key
//                             (generated), mode "safe"
//   wecom     type wecom_app  corp_id, agent_id, secret (platform), token, encoding_aes_key
//                             (generated)
//   feishu    type feishu     app_id, app_secret, verification_token, encrypt_key (platform)
//   dingtalk  type dingtalk_bot  app_key, app_secret (platform)
// plus admin.api_token (generated). Every one of these values is a ${LINLI_...} reference in
// the config; none is ever written into it. "Generated" values are ours to choose (the
// platform is told them): drawn from the injected DrawSecretFn and written into the
// environment file. "Platform" values are issued by the platform's console: left empty in the
// environment file under a comment saying where the console shows them (texts
// "cli.init_env.*" of the answers' locale).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"

namespace linli {

// The answers init asks for (flags or questions on a terminal).
struct InitAnswers {
  std::string compound_name;                // compound.name: non-empty UTF-8, no control chars
  std::vector<config::Building> buildings;  // compound.buildings, from the roster
  std::vector<std::string> channels;        // kinds of InitChannelKinds(), no repeats
  std::string public_url;                   // web.public_url, as NormalizePublicUrl gives it
  std::string locale = "zh-CN";             // "zh-CN" or "en"
  std::string timezone = "Asia/Shanghai";   // an IANA zone
  std::string database = "/var/lib/linli/linli.db";  // storage.sqlite.path
  int port = 8080;                          // server.port (host 127.0.0.1: behind a proxy)
  std::string env_file_name = "linli.env";  // named in the config's header comment
};

// The two files' contents.
struct InitFiles {
  std::string config;  // JSON with comments
  std::string env;     // KEY=value lines and # comments (systemd EnvironmentFile, sh)
};

// One ${NAME} of the config and the value the environment file gives it.
struct InitEnvValue {
  std::string name;   // LINLI_TG_TOKEN
  std::string value;  // generated, or "" for a platform-issued value still to be filled in
  bool generated = false;
};

// Draws `length` characters of [A-Za-z0-9] for a secret that is ours to choose. Errors
// (kInternal: the CSPRNG failed) stop init before anything is written.
using DrawSecretFn = std::function<StatusOr<std::string>(size_t length)>;

// The CSPRNG (OpenSSL RAND_bytes, rejection-sampled so each character is uniform).
StatusOr<std::string> DrawSecret(size_t length);

// "telegram", "wechat", "wecom", "feishu", "dingtalk": the order the config lists them in.
const std::vector<std::string>& InitChannelKinds();

// "telegram,wechat" (spaces, case and repeats tolerated; ',' or whitespace separated) -> the
// kinds in InitChannelKinds() order. InvalidArgument naming the first unknown word, or when
// the list is empty.
StatusOr<std::vector<std::string>> ParseChannelKinds(std::string_view list);

// A base URL for web.public_url: trimmed, one trailing '/' dropped. InvalidArgument unless it
// starts with https:// (or http://) followed by a host, and holds no space, '?', '#', quote,
// '<', '>' or control character.
StatusOr<std::string> NormalizePublicUrl(std::string_view url);

// A compound name: trimmed. InvalidArgument if empty, not UTF-8 or holding a control
// character.
StatusOr<std::string> NormalizeCompoundName(std::string_view name);

// The config and environment file for `answers` (taken as valid: the Normalize functions
// above and CompoundOfRosterCsv made them), the environment file's comments in
// answers.locale from `texts`. Each generated value is drawn once from `draw`; its error is
// returned. `values`, when not null, receives every ${NAME} with its value in file order.
StatusOr<InitFiles> RenderInitFiles(const InitAnswers& answers, const config::Texts& texts,
                                    const DrawSecretFn& draw,
                                    std::vector<InitEnvValue>* values = nullptr);

}  // namespace linli
