// A signed header pair that must not be reused with another body, checked durably.
//
// Some platforms sign only a timestamp, not the body (DingTalk's callback `sign` is an HMAC of
// the timestamp alone): whoever captures one request can send any body with its headers while
// the timestamp is inside the platform's window (DingTalk: one hour). The adapter keeps an
// in-memory cache of the pairs it has verified (fast, refuses a reuse within this process), and
// attaches a ReplayClaim to the message it produces; the router records the claim in the
// turn's own transaction on the write queue (storage/seen_signature_store.h), so:
//   - restart-safe: the claim is in the database, committed atomically with the turn it
//     authorised - if the turn is acknowledged, its claim is durable; if the turn is not
//     committed, neither is its claim (and the platform's redelivery is a first delivery);
//   - concurrency-safe: the write queue runs turns one at a time, and between instances on
//     one database the record's conditional insert waits for the other's commit, so of two
//     requests with one key exactly one records it, and the other is judged against it;
//   - nothing blocks the event loop: ParseWebhook only computes the claim.
// A claim whose key is already recorded with the SAME body digest is a redelivery (accepted,
// then deduplicated by the platform message id as usual); with ANOTHER digest it is refused:
// the turn writes nothing and the platform is answered 401.
#pragma once

#include <cstdint>
#include <string>

namespace linli {

struct ReplayClaim {
  // The signed material that must not be reused, e.g. "<timestamp>\n<sign>". Unique per
  // channel; the channel is the message's conversation.channel.
  std::string key;
  // Lowercase hex SHA-256 of the raw request body.
  std::string body_digest;
  // When the platform's window stops accepting `key` anyway (epoch ms); the record may be
  // dropped after that.
  int64_t expires_ms = 0;
};

}  // namespace linli
