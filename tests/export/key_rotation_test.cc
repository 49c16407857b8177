// Key rotation end to end: the county is stopped, given its next key
// (`county-node rotate-key`) and started again. Exports made before the
// rotation keep verifying; exports made after it are signed by key 2, whose
// history is endorsed by key 1; the city extends its pin of the county's
// keys and keeps heads signed by the new key; a verifier that trusts key 1
// accepts both (docs/OPERATIONS.md "Signing keys").
#include <sys/stat.h>

#include <string>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/export/export_format.h"
#include "tests/export/export_helpers.h"
#include "tests/export/fixture.h"
#include "tests/export/forge.h"

namespace reporting::export_test {
namespace {

using testing::HasSubstr;

TEST(KeyRotationTest, OldSignaturesKeepVerifyingNewOnesUseTheNewKey) {
  const std::string county_before = Export(County(), "before-county.jsonl");
  const std::string city_before = Export(City(), "before-city.jsonl");
  const std::string key1 = absl::BytesToHexString(
      KeyFromDir(AuditCluster::Get().county_keys(), 1).public_key());
  const std::string city_key = absl::BytesToHexString(
      KeyFromDir(AuditCluster::Get().city_keys(), 1).public_key());

  AuditCluster::Get().RotateCountyKey();
  struct stat st;
  EXPECT_NE(
      stat((AuditCluster::Get().county_keys() + "/key-1.pem").c_str(), &st), 0)
      << "the retired private key must be gone";

  const std::string county_after = Export(County(), "after-county.jsonl");
  const std::string city_after = Export(City(), "after-city.jsonl");
  auto county_manifest =
      audit::ReadManifestFile(audit::ManifestPathFor(county_after));
  ASSERT_TRUE(county_manifest.ok()) << county_manifest.status();
  EXPECT_EQ(county_manifest->seal.key_number(), 2u);
  EXPECT_EQ(county_manifest->seal.signer_keys().keys_size(), 2);
  EXPECT_EQ(county_manifest->seal.node_head().key_number(), 2u);
  auto city_manifest =
      audit::ReadManifestFile(audit::ManifestPathFor(city_after));
  ASSERT_TRUE(city_manifest.ok()) << city_manifest.status();
  EXPECT_EQ(city_manifest->seal.node_keys().keys_size(), 2);  // pin extended
  EXPECT_EQ(city_manifest->seal.node_head().key_number(), 2u);

  for (const std::string& path :
       {county_before, city_before, county_after, city_after}) {
    SCOPED_TRACE(path);
    ExpectBothPass(path);
    // The county's key 1 is in every history of the county's keys.
    ExpectBothPass(path, {key1, city_key});
  }
  ExpectBothPass(county_after, {}, "signed by 371302 key 2 (");
  ExpectBothPass(county_before, {}, "signed by 371302 key 1 (");

  const RunResult keys =
      RunCommand({ReportctlBin(), "audit", "keys", "--target", City(),
                  "--insecure", "--csv"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_THAT(keys.out, HasSubstr("371302,node,1," + key1));
  EXPECT_THAT(keys.out, HasSubstr(",key 1,"));  // key 2 endorsed by key 1
}

}  // namespace
}  // namespace reporting::export_test
