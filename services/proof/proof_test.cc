// Ed25519 keys, the signed statements' exact bytes, key histories (made,
// rotated, checked, pinned) and the key ring on disk.
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/proof/ed25519.h"
#include "services/proof/key_history.h"
#include "services/proof/key_ring.h"
#include "services/proof/statement.h"
#include "tests/testutil/files.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::proof {
namespace {

using ::testing::HasSubstr;

int64_t FixedClock() { return 1719792001000000; }

TEST(Ed25519, SignsAndVerifiesOnlyWithItsOwnKeyAndMessage) {
  auto a = SigningKey::Generate();
  auto b = SigningKey::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->public_key().size(), kPublicKeyBytes);
  const std::string sig = a->Sign("hello");
  EXPECT_EQ(sig.size(), kSignatureBytes);
  EXPECT_TRUE(VerifyEd25519(a->public_key(), "hello", sig));
  EXPECT_FALSE(VerifyEd25519(b->public_key(), "hello", sig));
  EXPECT_FALSE(VerifyEd25519(a->public_key(), "hellO", sig));
  std::string bad = sig;
  bad[10] ^= 1;
  EXPECT_FALSE(VerifyEd25519(a->public_key(), "hello", bad));
  EXPECT_FALSE(VerifyEd25519(a->public_key(), "hello", sig.substr(1)));
  // PEM round trip keeps the key.
  auto again = SigningKey::FromPem(a->ToPem());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->public_key(), a->public_key());
  EXPECT_THAT(a->ToPem(), HasSubstr("-----BEGIN PRIVATE KEY-----"));
  EXPECT_EQ(SigningKey::FromPem("not a key").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519, MatchesRfc8032TestVector1) {
  // RFC 8032 section 7.1, TEST 1: the empty message.
  const std::string pem =
      "-----BEGIN PRIVATE KEY-----\n"
      "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
      "-----END PRIVATE KEY-----\n";
  auto key = SigningKey::FromPem(pem);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(absl::BytesToHexString(key->public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(absl::BytesToHexString(key->Sign("")),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST(Statement, ExactBytes) {
  v1::SignedHead head;
  head.set_node_id("371302");
  head.set_sequence(42);
  head.set_hash(std::string(32, '\xab'));
  head.set_signed_at_us(1719792001000000);
  head.set_key_number(2);
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "ab";
  EXPECT_EQ(HeadStatement(head),
            "reporting-signed-head/1\n"
            "node_id=6:371302\n"
            "sequence=42\n"
            "hash=" +
                hex +
                "\n"
                "signed_at_us=1719792001000000\n"
                "key=2\n");
  v1::KeyRecord key;
  key.set_signer("city");
  key.set_number(1);
  key.set_public_key(std::string(32, '\x01'));
  key.set_created_at_us(-5);
  EXPECT_EQ(KeyStatement(key),
            "reporting-key/1\nsigner=4:city\nnumber=1\npublic_key=" +
                absl::BytesToHexString(std::string(32, '\x01')) +
                "\ncreated_at_us=-5\n");
  // Text is length-prefixed: a value holding "\n" cannot forge a line.
  EXPECT_EQ(Statement("k").Text("a", "x\nb=1").Hex("h", "").bytes(),
            "k\na=5:x\nb=1\nh=\n");
}

// A history of `n` keys for `signer`, each endorsed by the one before.
v1::KeyHistory MakeHistory(const std::string& signer, int n,
                           std::vector<SigningKey>* keys = nullptr) {
  v1::KeyHistory history;
  std::vector<SigningKey> made;
  for (int i = 0; i < n; ++i) {
    made.push_back(*SigningKey::Generate());
    v1::KeyRecord* r = history.add_keys();
    r->set_signer(signer);
    r->set_number(i + 1);
    r->set_public_key(made.back().public_key());
    r->set_created_at_us(1000 + i);
    r->set_endorsement(made[i == 0 ? 0 : i - 1].Sign(KeyStatement(*r)));
  }
  if (keys != nullptr) *keys = std::move(made);
  return history;
}

TEST(KeyHistory, AValidHistoryAndEachWayOneFails) {
  const v1::KeyHistory good = MakeHistory("371302", 3);
  EXPECT_TRUE(VerifyKeyHistory(good, "371302").ok());
  EXPECT_THAT(VerifyKeyHistory(good, "371311").message(),
              HasSubstr("names signer \"371302\""));
  EXPECT_FALSE(VerifyKeyHistory(v1::KeyHistory(), "371302").ok());

  v1::KeyHistory swapped = good;  // key 3 replaced by a stranger's key
  swapped.mutable_keys(2)->set_public_key(SigningKey::Generate()->public_key());
  EXPECT_THAT(VerifyKeyHistory(swapped, "371302").message(),
              HasSubstr("key 3: its endorsement does not verify with key 2"));
  v1::KeyHistory first = good;  // key 1 not its own
  first.mutable_keys(0)->set_created_at_us(7);
  EXPECT_THAT(VerifyKeyHistory(first, "371302").message(),
              HasSubstr("key 1: its endorsement is not its own signature"));
  v1::KeyHistory gap = good;
  gap.mutable_keys()->DeleteSubrange(1, 1);
  EXPECT_THAT(VerifyKeyHistory(gap, "371302").message(),
              HasSubstr("key 2: found key number 3"));
}

TEST(KeyHistory, SignaturesVerifyWithTheNamedKeyOnly) {
  std::vector<SigningKey> keys;
  const v1::KeyHistory history = MakeHistory("371302", 2, &keys);
  const std::string old_signature = keys[0].Sign("m");
  EXPECT_TRUE(VerifyWithKey(history, 1, "m", old_signature, "x").ok());
  EXPECT_EQ(VerifyWithKey(history, 2, "m", old_signature, "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyWithKey(history, 3, "m", old_signature, "x").code(),
            absl::StatusCode::kNotFound);
  const std::string stranger = SigningKey::Generate()->Sign("m");
  EXPECT_THAT(VerifyWithKey(history, 1, "m", stranger, "manifest").message(),
              HasSubstr("manifest: the signature does not verify with "
                        "371302's key 1"));
}

TEST(KeyHistory, APinIsExtendedByRotationAndNeverReplaced) {
  std::vector<SigningKey> keys;
  const v1::KeyHistory three = MakeHistory("371302", 3, &keys);
  v1::KeyHistory one;
  *one.add_keys() = three.keys(0);
  auto pin = ExtendPin(v1::KeyHistory(), one);  // first contact
  ASSERT_TRUE(pin.ok());
  EXPECT_EQ(pin->keys_size(), 1);
  pin = ExtendPin(*pin, three);  // rotated twice since
  ASSERT_TRUE(pin.ok());
  EXPECT_EQ(pin->keys_size(), 3);
  pin = ExtendPin(*pin, one);  // an older key directory: the pin stays
  ASSERT_TRUE(pin.ok());
  EXPECT_EQ(pin->keys_size(), 3);
  const v1::KeyHistory other = MakeHistory("371302", 1);
  auto refused = ExtendPin(three, other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.status().message(), HasSubstr("the city pinned key 1"));
}

TEST(KeyRing, MadeOnFirstOpenKeptOnDiskRotatedAndChecked) {
  testutil::TempDir tmp("key-ring");
  const std::string dir = tmp.Sub("signing");
  auto ring = KeyRing::Open(dir, "371302", FixedClock);
  ASSERT_TRUE(ring.ok()) << ring.status();
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((dir + "/key-1.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  v1::KeyHistory history = (*ring)->history();
  ASSERT_EQ(history.keys_size(), 1);
  EXPECT_TRUE(VerifyKeyHistory(history, "371302").ok());
  EXPECT_EQ(history.keys(0).created_at_us(), FixedClock());
  const Signature before = (*ring)->Sign("m");
  EXPECT_EQ(before.key_number, 1u);

  // Reopened: the same key.
  ring->reset();
  ring = KeyRing::Open(dir, "371302");
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ((*ring)->history().keys(0).public_key(),
            history.keys(0).public_key());

  // Rotated: key 2, endorsed by key 1; key 1's PEM is gone, its old
  // signatures still verify.
  auto rotated = (*ring)->Rotate();
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(rotated->number(), 2u);
  history = (*ring)->history();
  EXPECT_TRUE(VerifyKeyHistory(history, "371302").ok());
  EXPECT_TRUE(VerifyWithKey(history, 1, "m", before.bytes, "m").ok());
  EXPECT_NE(stat((dir + "/key-1.pem").c_str(), &st), 0);
  const Signature after = (*ring)->Sign("m");
  EXPECT_EQ(after.key_number, 2u);
  EXPECT_TRUE(VerifyWithKey(history, 2, "m", after.bytes, "m").ok());
  ring->reset();
  ring = KeyRing::Open(dir, "371302");
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ((*ring)->history().keys_size(), 2);

  // Another signer's directory is refused.
  auto other = KeyRing::Open(dir, "371311");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), HasSubstr("holds the keys of"));
}

TEST(KeyRing, AMissingOrForeignPrivateKeyIsDataLoss) {
  testutil::TempDir tmp("key-ring-bad");
  const std::string dir = tmp.Sub("signing");
  ASSERT_TRUE(KeyRing::Open(dir, "city").ok());
  testutil::WriteFile(dir + "/key-1.pem", SigningKey::Generate()->ToPem());
  auto foreign = KeyRing::Open(dir, "city");
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(foreign.status().message(), HasSubstr("its public key differs"));
  std::remove((dir + "/key-1.pem").c_str());
  auto missing = KeyRing::Open(dir, "city");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(missing.status().message(), HasSubstr("is missing"));
}

}  // namespace
}  // namespace reporting::proof
