#include "services/dashboard/accounts.h"

#include <sys/stat.h>

#include <fstream>

#include "gtest/gtest.h"
#include "services/dashboard/account_book.h"

namespace reporting::dashboard {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/dashboard-accounts-XXXXXX";
  return mkdtemp(tmpl);
}

TEST(Accounts, PasswordsAreArgon2idAndVerify) {
  absl::StatusOr<std::string> hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("correct"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse battery"));
  // The same password twice: different salts, different hashes.
  EXPECT_NE(*HashPassword("correct horse battery"), *hash);
  EXPECT_EQ(HashPassword("short").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword(std::string(300, 'x')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Accounts, NamesAndRoles) {
  EXPECT_TRUE(CheckName("office-1.zhang_san").ok());
  EXPECT_FALSE(CheckName("").ok());
  EXPECT_FALSE(CheckName("Zhang").ok());
  EXPECT_FALSE(CheckName("a b").ok());
  EXPECT_FALSE(CheckName(std::string(33, 'a')).ok());
  EXPECT_TRUE(CheckRole("office").ok());
  EXPECT_TRUE(CheckRole("auditor").ok());
  for (const char* role : {"clerk", "node", "operator", "city", ""}) {
    absl::Status st = CheckRole(role);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << role;
    EXPECT_NE(st.message().find("office or auditor"), std::string::npos);
    EXPECT_FALSE(MaySeeDashboard(role));
  }
}

TEST(Accounts, FileRoundTripIsPrivateAndBookReloads) {
  const std::string path = UsersFile(TempDir());
  EXPECT_TRUE(ReadAccounts(path)->empty());  // no file yet: no accounts
  std::vector<Account> accounts = {
      {"wang", "office", *HashPassword("pass word 1")},
      {"li", "auditor", *HashPassword("pass word 2")}};
  ASSERT_TRUE(WriteAccounts(path, accounts).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  absl::StatusOr<std::vector<Account>> read = ReadAccounts(path);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[1].name, "li");
  EXPECT_EQ((*read)[1].role, "auditor");

  AccountBook book(path);
  ASSERT_TRUE(book.Reload().ok());
  EXPECT_TRUE(book.Find("wang").has_value());
  accounts.erase(accounts.begin());
  ASSERT_TRUE(WriteAccounts(path, accounts).ok());
  ASSERT_TRUE(book.Reload().ok());
  EXPECT_FALSE(book.Find("wang").has_value());
  EXPECT_TRUE(book.Find("li").has_value());

  // A malformed line names the file and line; the book keeps what it had.
  std::ofstream(path, std::ios::app) << "bad line\n";
  absl::StatusOr<std::vector<Account>> bad = ReadAccounts(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 3"), std::string::npos)
      << bad.status();
  EXPECT_FALSE(book.Reload().ok());
  EXPECT_TRUE(book.Find("li").has_value());
}

}  // namespace
}  // namespace reporting::dashboard
