#include "bot/server/platform_cli.h"

#include <utility>

namespace linli {

std::string CliSay::operator()(const std::string& key, const config::TextArgs& args) const {
  return texts_.Get(locale_, "cli." + key, args);
}

bool CliSay::Has(const std::string& key) const {
  return texts_.Has(locale_, "cli." + key) ||
         texts_.Has(config::Texts::kFallbackLocale, "cli." + key);
}

StatusOr<const config::ChannelConfig*> PickChannel(const config::Config& config,
                                                   const std::string& type,
                                                   const std::string& name) {
  std::vector<const config::ChannelConfig*> of_type;
  std::string names;
  for (const auto& c : config.channels) {
    if (c.type != type) continue;
    of_type.push_back(&c);
    names += (names.empty() ? "" : ", ") + c.name;
  }
  if (of_type.empty()) {
    return Status::InvalidArgument("no " + type + " channel in " + config.source_path);
  }
  if (name.empty()) {
    if (of_type.size() == 1) return of_type.front();
    return Status::InvalidArgument("several " + type + " channels (" + names +
                                   "): name one with --channel NAME");
  }
  for (const auto* c : of_type) {
    if (c->name == name) return c;
  }
  return Status::InvalidArgument("no " + type + " channel named " + name + " (" + type +
                                 " channels: " + names + ")");
}

std::string ChannelWebhookUrl(const std::string& public_url, const std::string& channel) {
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base.empty() ? "" : base + "/webhook/" + channel;
}

namespace {

config::TextArgs ArgsOf(const ProbeFinding& f) {
  config::TextArgs args;
  for (const auto& [k, v] : f.args) args[k] = v;
  return args;
}

}  // namespace

std::string FindingText(const CliSay& say, const ProbeFinding& f) {
  const std::string key = "check_hint_" + f.hint;
  std::string text = say.Has(key) ? say(key, ArgsOf(f))
                                  : say("check_hint_other", {{"hint", f.hint}});
  return f.code.empty() ? text : f.code + " - " + text;
}

namespace {

std::string Note(const CliSay& say, const ProbeFinding& f) {
  const std::string key = "check_note_" + f.hint;
  return say.Has(key) ? say(key, ArgsOf(f)) : f.hint;
}

}  // namespace

std::string ProbeLine(const CliSay& say, const config::ChannelConfig& channel,
                      const ProbeResult& probe) {
  const config::TextArgs who = {{"channel", channel.name}, {"type", channel.type}};
  if (!probe.supported) return say("check_channel_skipped", who);
  std::string notes;
  for (const auto& n : probe.notes) notes += (notes.empty() ? "" : "; ") + Note(say, n);
  if (probe.ok()) {
    config::TextArgs args = who;
    args["notes"] = notes.empty() ? "" : " - " + notes;
    return say("check_channel_ok", args);
  }
  std::string problems;
  for (const auto& p : probe.problems) problems += (problems.empty() ? "" : "; ") + FindingText(say, p);
  config::TextArgs args = who;
  args["problems"] = problems;
  args["notes"] = notes.empty() ? "" : " [" + notes + "]";
  return say("check_channel_failed", args);
}

}  // namespace linli
