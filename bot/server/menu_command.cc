#include "bot/server/menu_command.h"

#include <functional>
#include <map>

#include "adapters/wechat/wechat_menu.h"
#include "adapters/wechat/wechat_mp_adapter.h"
#include "adapters/wecom/wecom_adapter.h"
#include "bot/server/platform_cli.h"

namespace linli {

namespace {

namespace wx = adapters::wechat;

// What push and show need of either adapter.
struct MenuOps {
  std::function<ProbeResult()> probe;
  std::function<SendResult(wx::ApiReply*)> push;
  std::function<StatusOr<std::vector<wx::LiveMenuButton>>()> fetch;
};

// The config's menu as the platform would hold it, to compare with what it does.
std::vector<wx::LiveMenuButton> AsLive(const std::vector<config::MenuButton>& menu) {
  std::vector<wx::LiveMenuButton> out;
  for (const auto& b : menu) {
    wx::LiveMenuButton l;
    l.name = b.name;
    if (!b.sub_buttons.empty()) {
      l.sub_buttons = AsLive(b.sub_buttons);
    } else if (!b.url.empty()) {
      l.type = "view";
      l.url = b.url;
    } else {
      l.type = "click";
      l.key = b.key;
    }
    out.push_back(std::move(l));
  }
  return out;
}

bool Same(const std::vector<wx::LiveMenuButton>& a, const std::vector<wx::LiveMenuButton>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const bool group = !a[i].sub_buttons.empty() || !b[i].sub_buttons.empty();
    if (a[i].name != b[i].name || !Same(a[i].sub_buttons, b[i].sub_buttons)) return false;
    if (!group && (a[i].type != b[i].type || a[i].key != b[i].key || a[i].url != b[i].url)) {
      return false;
    }
  }
  return true;
}

// One line per button: "1. 报事  [click LINLI_...] -> 报事", sub-buttons indented "2.1".
void PrintMenu(const CliSay& say, const std::vector<wx::LiveMenuButton>& buttons,
               const std::map<std::string, std::string>& commands, const std::string& prefix,
               std::ostream& out) {
  for (size_t i = 0; i < buttons.size(); ++i) {
    const wx::LiveMenuButton& b = buttons[i];
    const std::string pos = prefix + std::to_string(i + 1);
    const std::string indent = prefix.empty() ? "" : "   ";
    if (!b.sub_buttons.empty()) {
      out << indent << pos << ". " << b.name << "\n";
      PrintMenu(say, b.sub_buttons, commands, pos + ".", out);
      continue;
    }
    std::string what;
    if (b.type == "view") {
      what = "[view " + b.url + "]";
    } else if (!b.key.empty()) {
      auto it = commands.find(b.key);
      what = "[" + b.type + " " + b.key + "] " +
             (it != commands.end() ? "-> " + it->second : say("menu_key_unknown"));
    } else {
      what = "[" + (b.type.empty() ? std::string("?") : b.type) + "]";
    }
    out << indent << pos << ". " << b.name << "  " << what << "\n";
  }
}

size_t ButtonCount(const std::vector<config::MenuButton>& menu) {
  size_t n = 0;
  for (const auto& b : menu) n += b.sub_buttons.empty() ? 1 : b.sub_buttons.size();
  return n;
}

int RunMenuCommand(const std::string& platform, const std::string& type,
                   const std::vector<std::string>& args, const config::GetenvFn& getenv,
                   std::ostream& out, std::ostream& err) {
  const std::string usage_text = "usage: linli " + platform +
                                 " menu push|show --config FILE [--channel NAME]";
  auto usage = [&](const std::string& problem) {
    err << "linli: " << problem << "\n" << usage_text << "\n";
    return 2;
  };
  if (args.empty() || args[0] != "menu") return usage(platform + " needs menu push or menu show");
  const std::string sub = args.size() > 1 ? args[1] : "";
  if (sub != "push" && sub != "show") return usage(platform + " menu needs push or show");
  std::string config_path, channel_name;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& s = args[i];
    if ((s == "--config" || s == "--channel") && i + 1 < args.size()) {
      (s == "--config" ? config_path : channel_name) = args[++i];
    } else {
      return usage(platform + " menu " + sub + ": unexpected argument " + s);
    }
  }
  if (config_path.empty()) return usage(platform + " menu " + sub + " needs --config FILE");
  auto checked = LoadAndValidate(config_path, getenv, ChannelSecrets::kRequired);
  if (!checked.ok()) {
    err << "linli: " << checked.status().message() << "\n";
    return 1;
  }
  const config::Config& config = checked->config;
  const CliSay say(checked->texts, config.locale);
  auto channel = PickChannel(config, type, channel_name);
  if (!channel.ok()) return usage(channel.status().message());
  const config::ChannelConfig& ch = **channel;
  if (sub == "push" && ch.menu.empty()) {
    err << "linli: " << say("menu_not_configured", {{"channel", ch.name}}) << "\n";
    return 1;
  }

  PlatformIo io;
  MenuOps ops;
  std::unique_ptr<Adapter> owner;
  if (type == "wechat_mp") {
    auto options = wx::WechatMpOptionsFromConfig(ch);
    auto adapter = options.ok() ? wx::WechatMpAdapter::Create(std::move(options).value(), io.clock, io.http)
                                : StatusOr<std::unique_ptr<wx::WechatMpAdapter>>(options.status());
    if (!adapter.ok()) {
      err << "linli: " << adapter.status().message() << "\n";
      return 1;
    }
    wx::WechatMpAdapter* a = adapter->get();
    ops = {[a] { return a->Probe({}); }, [a](wx::ApiReply* r) { return a->PushMenu(r); },
           [a] { return a->FetchMenu(); }};
    owner = std::move(adapter).value();
  } else {
    auto options = adapters::wecom::WecomAppOptionsFromConfig(ch);
    auto adapter = options.ok() ? adapters::wecom::WecomAppAdapter::Create(
                                      std::move(options).value(), io.clock, io.http)
                                : StatusOr<std::unique_ptr<adapters::wecom::WecomAppAdapter>>(
                                      options.status());
    if (!adapter.ok()) {
      err << "linli: " << adapter.status().message() << "\n";
      return 1;
    }
    adapters::wecom::WecomAppAdapter* a = adapter->get();
    ops = {[a] { return a->Probe({}); }, [a](wx::ApiReply* r) { return a->PushMenu(r); },
           [a] { return a->FetchMenu(); }};
    owner = std::move(adapter).value();
  }

  // The token first: its refusal (IP allow-list, secret) has a hint of its own.
  const ProbeResult token = ops.probe();
  if (!token.ok()) {
    out << ProbeLine(say, ch, token) << "\n";
    return 1;
  }
  const std::map<std::string, std::string> commands = wx::MenuCommands(ch.menu);

  if (sub == "push") {
    wx::ApiReply reply;
    const SendResult pushed = ops.push(&reply);
    if (pushed.outcome != SendResult::Outcome::kSent) {
      ProbeFinding f;
      f.code = reply.errcode != 0 ? std::to_string(reply.errcode) : "";
      if (reply.errcode == 48001) {
        f.hint = "menu_not_allowed";
      } else {
        f.hint = "platform_error";
        f.args.push_back({"error", pushed.error});
      }
      out << say("menu_refused", {{"channel", ch.name}, {"problem", FindingText(say, f)}}) << "\n";
      return 1;
    }
    out << say("menu_pushed", {{"channel", ch.name},
                               {"count", std::to_string(ButtonCount(ch.menu))}})
        << "\n";
    PrintMenu(say, AsLive(ch.menu), commands, "", out);
    return 0;
  }

  // show
  auto live = ops.fetch();
  if (!live.ok()) {
    if (live.status().message().find("errcode 46003") != std::string::npos) {
      out << say("menu_none_set", {{"channel", ch.name}}) << "\n";
      return 0;
    }
    out << say("menu_read_failed", {{"channel", ch.name}, {"error", live.status().message()}})
        << "\n";
    return 1;
  }
  out << say("menu_held", {{"channel", ch.name}}) << "\n";
  PrintMenu(say, *live, commands, "", out);
  out << (ch.menu.empty()       ? say("menu_config_none", {{"platform", platform}})
          : Same(*live, AsLive(ch.menu)) ? say("menu_matches_config")
                                : say("menu_differs_config", {{"platform", platform}}))
      << "\n";
  return 0;
}

}  // namespace

int RunWechatCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err) {
  return RunMenuCommand("wechat", "wechat_mp", args, getenv, out, err);
}

int RunWecomCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                    std::ostream& out, std::ostream& err) {
  return RunMenuCommand("wecom", "wecom_app", args, getenv, out, err);
}

}  // namespace linli
