// The daily digest for a staff group (issue 11 point 5): what happened since the last digest and
// what waits, as one Markdown text. RenderDigest is pure over a DigestSnapshot (gathered from
// the stores by domain/reports/digest_snapshot.h), so every wording is tested with fixed data.
//
// Nothing personal: a snapshot holds only numbers, categories, buildings (or a configured public
// place), states, tiers, dates, counts, and decision titles already through the masking module -
// never a name, phone, unit, room or a resident's words. Each item carries the number staff type
// to act on it in chat: 工单 N (tickets), 心愿 N (wishes), #N (decisions).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/texts.h"

namespace linli::domain {

struct DigestTicket {
  int64_t number = 0;
  std::string category;  // category id
  std::string place;     // display form: "3号楼", a place label ("南门"), or "" (unknown)
  std::string status;    // stored status name (storage/ticket_state.h)
  std::string tier;      // stored tier name
  std::string deferred_until;  // "YYYY-MM-DD" or ""
  bool overdue = false;    // past a deadline at the current tier, or flagged at the top tier
  bool escalated = false;  // moved up a tier at least once
};

struct DigestWish {
  int64_t number = 0;
  std::string category;  // wishes.categories id
  std::string place;     // display form of the building, or ""
  int64_t age_days = 0;  // whole days since it was posted
};

struct DigestDecision {
  int64_t id = 0;
  std::string kind;   // covenant | poll | appraisal | election
  std::string title;  // through the masking module already
  int64_t voted = 0;
  int64_t eligible = 0;
  std::string closes;  // local "YYYY-MM-DD HH:MM", "" when not set
};

struct DigestSnapshot {
  std::string compound;  // config.compound.name
  std::string date;      // the digest's local date, "YYYY-MM-DD"
  std::vector<DigestTicket> created;  // created since the last digest, by number
  std::vector<DigestTicket> open;     // every open ticket (not resolved or closed), by number
  // Deferred tickets whose promised date is at most digest.deferred_near_days ahead or past.
  std::vector<DigestTicket> deferred_due;
  std::map<std::string, int> ratings;  // ratings given since: satisfied|basic|unsatisfied -> n
  std::vector<DigestWish> unclaimed;   // open (待认领), oldest first
  std::vector<DigestWish> claimed;     // claimed (认领中), oldest first
  std::vector<DigestWish> fulfilled;   // done or confirmed since the last digest
  std::vector<DigestDecision> decisions;  // open now, closing soonest first
};

// True when nothing is in any section: RenderDigest then gives its one line.
bool IsQuiet(const DigestSnapshot& snapshot);

// The digest in `locale`: a title line, then only the sections that have something - new
// tickets; open tickets counted by state and by tier (localized names); overdue ones;
// escalated ones; deferred ones due; satisfaction since the last digest; wishes unclaimed
// (oldest first), claimed, fulfilled; open decisions with turnout and closing time. A quiet
// day is one line (digest.quiet), never silence. Lines end with '\n'; a long digest is split
// at line boundaries by the sender (bot/server/group_text.h).
std::string RenderDigest(const DigestSnapshot& snapshot, const config::Texts& texts,
                         const std::string& locale);

}  // namespace linli::domain
