#include "services/proof/key_history.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/proof/ed25519.h"
#include "services/proof/statement.h"

namespace reporting::proof {

absl::Status VerifyKeyHistory(const v1::KeyHistory& history,
                              absl::string_view signer) {
  const auto bad = [&](uint32_t number, absl::string_view problem) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key history of ", signer, ": key ", number, ": ", problem));
  };
  if (history.keys_size() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("key history of ", signer, " is empty"));
  }
  for (int i = 0; i < history.keys_size(); ++i) {
    const v1::KeyRecord& key = history.keys(i);
    const uint32_t expected = static_cast<uint32_t>(i) + 1;
    if (key.number() != expected) {
      return bad(expected, absl::StrCat("found key number ", key.number(),
                                        " in its place (keys are 1..n)"));
    }
    if (key.signer() != signer) {
      return bad(expected, absl::StrCat("names signer \"", key.signer(), "\""));
    }
    if (key.public_key().size() != kPublicKeyBytes) {
      return bad(expected, "the public key is not 32 bytes");
    }
    const v1::KeyRecord& endorser = i == 0 ? key : history.keys(i - 1);
    if (!VerifyEd25519(endorser.public_key(), KeyStatement(key),
                       key.endorsement())) {
      return bad(expected,
                 i == 0 ? "its endorsement is not its own signature"
                        : absl::StrCat("its endorsement does not verify with "
                                       "key ",
                                       endorser.number()));
    }
  }
  return absl::OkStatus();
}

absl::Status VerifyWithKey(const v1::KeyHistory& history, uint32_t number,
                           absl::string_view message,
                           absl::string_view signature,
                           absl::string_view what) {
  const std::string signer =
      history.keys_size() > 0 ? history.keys(0).signer() : "";
  if (number < 1 || number > static_cast<uint32_t>(history.keys_size())) {
    return absl::NotFoundError(absl::StrCat(
        what, ": signed with key ", number, ", which is not in ", signer,
        "'s key history (keys 1..", history.keys_size(), ")"));
  }
  if (!VerifyEd25519(history.keys(number - 1).public_key(), message,
                     signature)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the signature does not verify with ", signer,
                     "'s key ", number));
  }
  return absl::OkStatus();
}

absl::Status VerifySignedHead(const v1::SignedHead& head,
                              const v1::KeyHistory& node_keys) {
  if (node_keys.keys_size() > 0 &&
      head.node_id() != node_keys.keys(0).signer()) {
    return absl::InvalidArgumentError(absl::StrCat("signed head names node ",
                                                   head.node_id(), ", not ",
                                                   node_keys.keys(0).signer()));
  }
  return VerifyWithKey(node_keys, head.key_number(), HeadStatement(head),
                       head.signature(),
                       absl::StrCat("signed head of node ", head.node_id(),
                                    " at sequence ", head.sequence()));
}

absl::StatusOr<v1::KeyHistory> ExtendPin(const v1::KeyHistory& pinned,
                                         const v1::KeyHistory& received) {
  const int common = std::min(pinned.keys_size(), received.keys_size());
  for (int i = 0; i < common; ++i) {
    if (pinned.keys(i).public_key() != received.keys(i).public_key()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "node ", received.keys(i).signer(), " presents key ", i + 1, " ",
          absl::BytesToHexString(received.keys(i).public_key()),
          " but the city pinned key ", i + 1, " ",
          absl::BytesToHexString(pinned.keys(i).public_key()),
          " for it on first contact"));
    }
  }
  return received.keys_size() > pinned.keys_size() ? received : pinned;
}

}  // namespace reporting::proof
