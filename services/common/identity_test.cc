// Identity is read attribute by attribute (identity.h): a CN full of commas
// and "OU=" text stays a CN.
#include "services/common/identity.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace reporting::services {
namespace {

// A self-signed PEM certificate whose subject has these attributes, in
// order ("CN", "OU", "O").
std::string Certificate(
    const std::vector<std::pair<std::string, std::string>>& subject) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  for (const auto& [field, value] : subject) {
    X509_NAME_add_entry_by_txt(
        name, field.c_str(), MBSTRING_UTF8,
        reinterpret_cast<const unsigned char*>(value.data()),
        static_cast<int>(value.size()), -1, 0);
  }
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  X509_sign(cert, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return pem;
}

TEST(IdentityTest, ReadsCommonNameAndUnit) {
  auto id = IdentityFromPem(
      Certificate({{"O", "reporting-dev"}, {"OU", "clerk"}, {"CN", "371302"}}));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->common_name, "371302");
  EXPECT_EQ(id->unit, "clerk");
}

TEST(IdentityTest, CommasAndOuTextInTheCommonNameStayInTheCommonName) {
  for (const std::string cn :
       {"Li, Wei,OU=auditor", "Zhang, San,OU=operator", "x\\,OU=auditor",
        "OU=auditor", "a+OU=auditor"}) {
    auto id = IdentityFromPem(
        Certificate({{"O", "reporting-dev"}, {"OU", "office"}, {"CN", cn}}));
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->common_name, cn);
    EXPECT_EQ(id->unit, "office") << cn;
  }
}

TEST(IdentityTest, Utf8NamesAreKept) {
  auto id = IdentityFromPem(
      Certificate({{"OU", "auditor"}, {"CN", "\xe6\x9d\x8e\xe4\xbc\x9f"}}));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->common_name, "\xe6\x9d\x8e\xe4\xbc\x9f");
}

TEST(IdentityTest, TwoUnitsAreAmbiguousAndRefused) {
  auto id = IdentityFromPem(
      Certificate({{"OU", "office"}, {"OU", "auditor"}, {"CN", "x"}}));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(id.status().message().find("2 OU"), std::string::npos)
      << id.status();
}

TEST(IdentityTest, MissingUnitOrNameIsRefused) {
  EXPECT_FALSE(IdentityFromPem(Certificate({{"CN", "x"}})).ok());
  EXPECT_FALSE(IdentityFromPem(Certificate({{"OU", "office"}})).ok());
}

TEST(IdentityTest, NotACertificateIsRefused) {
  auto id = IdentityFromPem("-----BEGIN CERTIFICATE-----\nAAAA\n");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(IdentityFromPem("").ok());
}

TEST(IdentityTest, DescribeQuotesTheAttributes) {
  EXPECT_EQ(Describe({"Li, Wei,OU=auditor", "office"}),
            "CN=\"Li, Wei,OU=auditor\" OU=\"office\"");
}

}  // namespace
}  // namespace reporting::services
