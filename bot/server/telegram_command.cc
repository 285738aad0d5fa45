#include "bot/server/telegram_command.h"

#include <ctime>

#include "adapters/telegram/telegram_adapter.h"
#include "adapters/telegram/telegram_webhook.h"
#include "bot/server/platform_cli.h"

namespace linli {

namespace {

namespace tg = adapters::telegram;

constexpr char kTelegramUsage[] =
    "usage: linli telegram set-webhook --config FILE [--channel NAME] [--public-url URL] "
    "[--drop-pending-updates]\n"
    "       linli telegram webhook-info --config FILE [--channel NAME] [--public-url URL]";

std::string UtcTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

int RunTelegramCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                       std::ostream& out, std::ostream& err) {
  auto usage = [&err](const std::string& problem) {
    err << "linli: " << problem << "\n" << kTelegramUsage << "\n";
    return 2;
  };
  const std::string sub = args.empty() ? "" : args[0];
  if (sub != "set-webhook" && sub != "webhook-info") {
    return usage("telegram needs set-webhook or webhook-info");
  }
  std::string config_path, channel_name, public_url;
  bool drop = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& s = args[i];
    if ((s == "--config" || s == "--channel" || s == "--public-url") && i + 1 < args.size()) {
      (s == "--config" ? config_path : s == "--channel" ? channel_name : public_url) = args[++i];
    } else if (s == "--drop-pending-updates" && sub == "set-webhook") {
      drop = true;
    } else {
      return usage("telegram " + sub + ": unexpected argument " + s);
    }
  }
  if (config_path.empty()) return usage("telegram " + sub + " needs --config FILE");
  auto checked = LoadAndValidate(config_path, getenv, ChannelSecrets::kRequired);
  if (!checked.ok()) {
    err << "linli: " << checked.status().message() << "\n";
    return 1;
  }
  const config::Config& config = checked->config;
  const CliSay say(checked->texts, config.locale);
  auto channel = PickChannel(config, "telegram", channel_name);
  if (!channel.ok()) return usage(channel.status().message());
  const config::ChannelConfig& ch = **channel;
  if (public_url.empty()) public_url = config.web.public_url;

  PlatformIo io;
  auto adapter = tg::TelegramAdapter::Create(ch, io.deps());
  if (!adapter.ok()) {
    err << "linli: " << adapter.status().message() << "\n";
    return 1;
  }
  tg::TelegramAdapter& bot = **adapter;

  std::string expected;
  if (!public_url.empty()) {
    auto url = tg::WebhookUrl(public_url, ch.name);
    if (!url.ok()) {
      if (sub == "set-webhook") return usage(url.status().message());
      // webhook-info only compares: an address Telegram would refuse matches nothing.
      expected = ChannelWebhookUrl(public_url, ch.name);
    } else {
      expected = *url;
    }
  }

  if (sub == "set-webhook") {
    if (expected.empty()) return usage(say("tg_no_public_url"));
    const tg::ApiAnswer<bool> set = bot.SetWebhook(expected, drop);
    if (!set.ok()) {
      out << say("tg_refused", {{"channel", ch.name},
                                {"method", "setWebhook"},
                                {"problem", FindingText(say, tg::FailureFinding(set.failure))}})
          << "\n";
      return 1;
    }
    std::vector<std::string> kinds(tg::kHandledUpdates.begin(), tg::kHandledUpdates.end());
    out << say(drop ? "tg_webhook_set_dropped" : "tg_webhook_set",
               {{"channel", ch.name}, {"url", expected}, {"updates", Join(kinds)}})
        << "\n";
    const ProbeResult probe = bot.Probe({expected});
    out << ProbeLine(say, ch, probe) << "\n";
    return probe.ok() ? 0 : 1;
  }

  // webhook-info
  const tg::ApiAnswer<tg::BotUser> me = bot.GetMe();
  if (!me.ok()) {
    out << ProbeLine(say, ch, tg::JudgeBot(me, nullptr, expected)) << "\n";
    return 1;
  }
  const tg::ApiAnswer<tg::WebhookInfo> info = bot.GetWebhookInfo();
  if (info.ok()) {
    const tg::WebhookInfo& w = *info.value;
    out << say("tg_info_url", {{"url", w.url.empty() ? say("tg_info_none") : w.url}}) << "\n";
    out << say("tg_info_pending", {{"count", std::to_string(w.pending_update_count)}}) << "\n";
    if (w.last_error_date != 0 || !w.last_error_message.empty()) {
      out << say("tg_info_last_error", {{"date", w.last_error_date ? UtcTime(w.last_error_date) : "-"},
                                        {"error", w.last_error_message}})
          << "\n";
    }
    if (w.max_connections > 0) {
      out << say("tg_info_max_connections", {{"count", std::to_string(w.max_connections)}}) << "\n";
    }
    out << say("tg_info_updates", {{"updates", w.allowed_updates && !w.allowed_updates->empty()
                                                   ? Join(*w.allowed_updates)
                                                   : say("tg_info_all_updates")}})
        << "\n";
    if (!w.ip_address.empty()) out << say("tg_info_ip", {{"ip", w.ip_address}}) << "\n";
  }
  const ProbeResult probe = tg::JudgeBot(me, &info, expected);
  out << ProbeLine(say, ch, probe) << "\n";
  return probe.ok() ? 0 : 1;
}

}  // namespace linli
