// cella.json: defaults, size syntax, and that every kind of mistake is
// reported with the file and the full key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/byte_size.h"
#include "abi/mount_options.h"
#include "cli/config.h"
#include "cli/user_error.h"
#include "cli_test_support.h"

namespace cella::cli {
namespace {

using test_support::contains;
using test_support::ScratchFolder;

constexpr std::uint64_t kMiB = 1 << 20;

class ConfigFileTest : public ::testing::Test {
protected:
    Config load(const std::string& text) {
        test_support::write_bytes(file(), text);
        return load_config(file());
    }
    std::string error_for(const std::string& text) {
        return test_support::message_of<UserError>([&] { load(text); });
    }
    std::filesystem::path file() const { return scratch_ / "cella.json"; }

    ScratchFolder scratch_;
};

TEST(ConfigDefaultsTest, DocumentedDefaults) {
    Config config = default_config();
    EXPECT_EQ(config.user_space_size, 512 * kMiB);
    EXPECT_EQ(config.kernel_space_heap_size, 64 * kMiB);
    EXPECT_EQ(config.max_num_of_threads, 64u);
    EXPECT_EQ(config.default_stack_size, 8 * kMiB);
    EXPECT_EQ(config.default_heap_size, 32 * kMiB);
    EXPECT_EQ(config.default_mmap_size, 256 * kMiB);
    EXPECT_FALSE(config.sequential_fork);
    EXPECT_TRUE(config.syscall_rewrite);
    EXPECT_EQ(config.entry_points,
              (std::vector<std::string>{"/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin"}));
    EXPECT_EQ(config.env_default,
              (std::vector<std::string>{"HOME=/root", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"}));
    EXPECT_EQ(config.env_untrusted, (std::vector<std::string>{"TERM"}));
    EXPECT_EQ(config.product_id, 0u);
    EXPECT_EQ(config.version_number, 0u);
    EXPECT_TRUE(config.debuggable);
    EXPECT_EQ(config.hostname, "cella");
    ASSERT_EQ(config.mounts.size(), 2u);
    EXPECT_EQ(config.mounts[0].target, "/tmp");
    EXPECT_EQ(config.mounts[0].type, "ramfs");
    EXPECT_TRUE(config.mounts[0].source.empty());
    EXPECT_EQ(config.mounts[1].target, "/dev/shm");
    EXPECT_EQ(config.mounts[1].type, "ramfs");
}

TEST(ConfigDefaultsTest, DefaultTextKeepsSectionOrder) {
    auto document = nlohmann::ordered_json::parse(default_config_text());
    std::vector<std::string> keys;
    for (const auto& [key, value] : document.items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"resource_limits", "process", "entry_points", "env", "metadata",
                                              "hostname", "mount", "feature"}));
}

TEST_F(ConfigFileTest, DefaultTextLoadsAsTheDefaults) {
    Config config = load(default_config_text());
    Config defaults = default_config();
    EXPECT_EQ(config.user_space_size, defaults.user_space_size);
    EXPECT_EQ(config.entry_points, defaults.entry_points);
    EXPECT_EQ(config.mounts.size(), defaults.mounts.size());
}

TEST_F(ConfigFileTest, MissingSectionsAndKeysTakeDefaults) {
    Config config = load(R"({"resource_limits": {"max_num_of_threads": 8}, "hostname": "box"})");
    EXPECT_EQ(config.max_num_of_threads, 8u);
    EXPECT_EQ(config.user_space_size, 512 * kMiB);
    EXPECT_EQ(config.default_stack_size, 8 * kMiB);
    EXPECT_EQ(config.hostname, "box");
    EXPECT_EQ(config.env_untrusted, (std::vector<std::string>{"TERM"}));
    EXPECT_EQ(load("{}").mounts.size(), 2u);
}

TEST_F(ConfigFileTest, ArraysReplaceTheDefaults) {
    Config config = load(R"({"entry_points": ["/app"], "env": {"default": ["A=1"]}, "mount": []})");
    EXPECT_EQ(config.entry_points, (std::vector<std::string>{"/app"}));
    EXPECT_EQ(config.env_default, (std::vector<std::string>{"A=1"}));
    EXPECT_EQ(config.env_untrusted, (std::vector<std::string>{"TERM"}));
    EXPECT_TRUE(config.mounts.empty());
}

TEST(ByteSizeTest, AcceptedForms) {
    const std::pair<const char*, std::uint64_t> cases[] = {
        {"64MB", 64 * kMiB},
        {"64M", 64 * kMiB},
        {"64MiB", 64 * kMiB},
        {"64mb", 64 * kMiB},
        {"64mib", 64 * kMiB},
        {"512KB", 512 * 1024},
        {"512k", 512 * 1024},
        {"1GB", 1024 * kMiB},
        {"1T", std::uint64_t{1} << 40},
        {"4096", 4096},
        {"4096B", 4096},
        {"64 MB", 64 * kMiB},
        {"0", 0},
    };
    for (const auto& [text, bytes] : cases)
        EXPECT_EQ(parse_byte_size(text), std::optional<std::uint64_t>(bytes)) << text;
}

TEST(ByteSizeTest, RejectedForms) {
    for (const char* text : {"", "MB", "64XB", "64MBB", "-1", "1.5GB", "64Mi", " 64MB", "64MB ", "0x40",
                             "99999999999999999999", "17179869184T"})
        EXPECT_FALSE(parse_byte_size(text).has_value()) << text;
}

TEST(ByteSizeTest, Formatting) {
    EXPECT_EQ(format_exact_byte_size(512 * kMiB), "512MB");
    EXPECT_EQ(format_exact_byte_size(6 * 1024), "6KB");
    EXPECT_EQ(format_exact_byte_size(1000), "1000B");
    EXPECT_EQ(format_exact_byte_size(0), "0B");
    EXPECT_EQ(format_approximate_byte_size(3 * kMiB + kMiB / 2), "3.5MB");
    EXPECT_EQ(format_approximate_byte_size(812), "812B");
}

TEST(ConfigSizeTest, ParseSizeNamesKeyAndFile) {
    std::string message =
        test_support::message_of<UserError>([] { parse_size("12XB", "process.default_stack_size", "my.json"); });
    EXPECT_TRUE(contains(message, "my.json"));
    EXPECT_TRUE(contains(message, "'process.default_stack_size'"));
    EXPECT_TRUE(contains(message, "\"12XB\""));
    EXPECT_EQ(parse_size("2GB", "k", "f"), 2048 * kMiB);
}

TEST_F(ConfigFileTest, SizesAsNumbersOrStrings) {
    Config config = load(R"({"resource_limits": {"user_space_size": 33554432, "kernel_space_heap_size": "8MiB"},
                             "process": {"default_stack_size": "1M", "default_heap_size": 0, "default_mmap_size": "16mb"}})");
    EXPECT_EQ(config.user_space_size, 32 * kMiB);
    EXPECT_EQ(config.kernel_space_heap_size, 8 * kMiB);
    EXPECT_EQ(config.default_stack_size, kMiB);
    EXPECT_EQ(config.default_heap_size, 0u);
    EXPECT_EQ(config.default_mmap_size, 16 * kMiB);
}

TEST_F(ConfigFileTest, ForkMode) {
    EXPECT_TRUE(load(R"({"process": {"fork": "sequential"}})").sequential_fork);
    EXPECT_FALSE(load(R"({"process": {"fork": "unsupported"}})").sequential_fork);
    EXPECT_TRUE(contains(error_for(R"({"process": {"fork": "copy"}})"),
                         "'process.fork' must be \"unsupported\" or \"sequential\", not \"copy\""));
    EXPECT_TRUE(contains(error_for(R"({"process": {"fork": true}})"), "'process.fork' must be a string"));
}

TEST_F(ConfigFileTest, SyscallRewrite) {
    EXPECT_TRUE(load(R"({})").syscall_rewrite);
    EXPECT_FALSE(load(R"({"feature": {"syscall_rewrite": false}})").syscall_rewrite);
    EXPECT_TRUE(contains(error_for(R"({"feature": {"syscall_rewrite": 1}})"),
                         "'feature.syscall_rewrite' must be true or false"));
    EXPECT_TRUE(contains(error_for(R"({"feature": {"io_urin": true}})"), "unknown key 'feature.io_urin'"));
}

TEST_F(ConfigFileTest, IoUring) {
    EXPECT_FALSE(load(R"({})").io_uring);
    EXPECT_TRUE(load(R"({"feature": {"io_uring": true}})").io_uring);
    EXPECT_FALSE(load(R"({"feature": {"io_uring": false}})").io_uring);
    EXPECT_TRUE(contains(error_for(R"({"feature": {"io_uring": 1}})"), "'feature.io_uring' must be true or false"));
}

TEST_F(ConfigFileTest, UnknownKeysNameTheirFullPath) {
    std::string message = error_for(R"({"resource_limits": {"user_space_sise": "1GB"}})");
    EXPECT_TRUE(contains(message, file().string() + ": unknown key 'resource_limits.user_space_sise'"));
    EXPECT_TRUE(contains(message, "did you mean 'resource_limits.user_space_size'"));
    EXPECT_TRUE(contains(error_for(R"({"mounts": []})"), "unknown key 'mounts'"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "flags": 1}]})"),
                         "unknown key 'mount[0].flags'"));
    std::string far_off = error_for(R"({"scheduling": {}})");
    EXPECT_TRUE(contains(far_off, "unknown key 'scheduling'"));
    EXPECT_FALSE(contains(far_off, "did you mean"));
}

TEST_F(ConfigFileTest, WrongTypesNameKeyAndExpectedType) {
    std::string message = error_for(R"({"resource_limits": {"max_num_of_threads": "64"}})");
    EXPECT_TRUE(contains(message, file().string()));
    EXPECT_TRUE(contains(message, "'resource_limits.max_num_of_threads' must be an integer, not a string"));
    EXPECT_TRUE(contains(error_for(R"({"process": []})"), "'process' must be an object, not an array"));
    EXPECT_TRUE(
        contains(error_for(R"({"metadata": {"debuggable": "yes"}})"), "'metadata.debuggable' must be true or false"));
    EXPECT_TRUE(contains(error_for(R"({"hostname": 7})"), "'hostname' must be a string, not an integer"));
    EXPECT_TRUE(contains(error_for(R"({"entry_points": "/bin"})"), "'entry_points' must be an array of strings"));
    EXPECT_TRUE(contains(error_for(R"({"env": {"default": ["A=1", 2]}})"), "'env.default[1]' must be a string"));
    EXPECT_TRUE(contains(error_for(R"({"resource_limits": {"user_space_size": true}})"),
                         "'resource_limits.user_space_size' must be a size"));
    EXPECT_TRUE(contains(error_for(R"({"resource_limits": {"max_num_of_threads": 6.5}})"),
                         "must be an integer, not a fractional number"));
    EXPECT_TRUE(contains(error_for("[]"), file().string() + ": must hold a JSON object"));
}

TEST_F(ConfigFileTest, BadSizesNameTheKey) {
    std::string message = error_for(R"({"process": {"default_stack_size": "8XB"}})");
    EXPECT_TRUE(contains(message, file().string()));
    EXPECT_TRUE(contains(message, "'process.default_stack_size' is \"8XB\", which is not a size"));
    EXPECT_TRUE(contains(error_for(R"({"process": {"default_heap_size": -1}})"),
                         "'process.default_heap_size' must not be negative"));
}

TEST_F(ConfigFileTest, RangesAreChecked) {
    EXPECT_TRUE(contains(error_for(R"({"resource_limits": {"user_space_size": "8MB"}})"),
                         "'resource_limits.user_space_size' is 8MB; it must be between 16MB and 64GB"));
    EXPECT_TRUE(contains(error_for(R"({"resource_limits": {"user_space_size": "65GB"}})"), "between 16MB and 64GB"));
    EXPECT_TRUE(contains(error_for(R"({"resource_limits": {"kernel_space_heap_size": "9GB"}})"),
                         "'resource_limits.kernel_space_heap_size' is 9GB; it must be between 8MB and 8GB"));
    EXPECT_TRUE(contains(error_for(R"({"resource_limits": {"max_num_of_threads": 0}})"),
                         "'resource_limits.max_num_of_threads' is 0; it must be between 1 and 4096"));
    EXPECT_TRUE(contains(error_for(R"({"resource_limits": {"max_num_of_threads": 4097}})"), "between 1 and 4096"));
    EXPECT_TRUE(contains(error_for(R"({"process": {"default_mmap_size": "1GB"}})"),
                         "'process.default_mmap_size' is 1GB; it cannot exceed 'resource_limits.user_space_size'"));
    EXPECT_TRUE(
        contains(error_for(R"({"process": {"default_stack_size": "4KB"}})"), "'process.default_stack_size' is 4KB"));
    EXPECT_TRUE(contains(error_for(R"({"metadata": {"product_id": 70000}})"), "'metadata.product_id' is 70000"));
    EXPECT_TRUE(contains(error_for(R"({"hostname": ""})"), "'hostname' must be 1 to 64 characters"));
}

TEST_F(ConfigFileTest, EntryPointsAndEnvironment) {
    EXPECT_TRUE(contains(error_for(R"({"entry_points": ["/bin", "usr/bin"]})"),
                         "'entry_points[1]' must be an absolute path, not \"usr/bin\""));
    EXPECT_TRUE(
        contains(error_for(R"({"env": {"default": ["HOME"]}})"), "'env.default[0]' must look like \"NAME=value\""));
    EXPECT_TRUE(contains(error_for(R"({"env": {"default": ["=x"]}})"), "'env.default[0]'"));
    EXPECT_TRUE(
        contains(error_for(R"({"env": {"untrusted": ["TERM=xterm"]}})"), "'env.untrusted[0]' must be a variable name"));
}

TEST_F(ConfigFileTest, Mounts) {
    Config config = load(R"({"mount": [
        {"target": "/data/", "type": "hostfs", "source": "shared", "options": ["ro"]},
        {"target": "/tmp", "type": "ramfs"}]})");
    ASSERT_EQ(config.mounts.size(), 2u);
    EXPECT_EQ(config.mounts[0].target, "/data");
    EXPECT_EQ(config.mounts[0].source, (scratch_.path() / "shared").string());
    EXPECT_EQ(config.mounts[0].options, (std::vector<std::string>{"ro"}));
    EXPECT_EQ(load(R"({"mount": [{"target": "/d", "type": "hostfs", "source": "/srv"}]})").mounts[0].source, "/srv");

    EXPECT_TRUE(contains(error_for(R"({"mount": [{"type": "ramfs"}]})"), "'mount[0]' needs a \"target\""));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "tmp", "type": "ramfs"}]})"),
                         "'mount[0].target' must be an absolute path"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/", "type": "ramfs"}]})"), "'mount[0].target' cannot be"));
    EXPECT_TRUE(
        contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs"}, {"target": "/a/", "type": "ramfs"}]})"),
                 "'mount[1].target' is \"/a\", which an earlier mount already uses"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a"}]})"), "'mount[0]' needs a \"type\""));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "nfs"}]})"),
                         "'mount[0].type' is \"nfs\"; it must be \"hostfs\" or \"ramfs\""));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "hostfs"}]})"),
                         "'mount[0]' is a hostfs mount and needs a \"source\""));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "source": "/x"}]})"),
                         "'mount[0].source' is only for hostfs mounts"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "options": [1]}]})"),
                         "'mount[0].options[0]' must be a string"));
    EXPECT_TRUE(contains(error_for(R"({"mount": {"target": "/a"}})"), "'mount' must be an array of objects"));
}

TEST_F(ConfigFileTest, RamfsOptions) {
    Config config = load(R"({"mount": [{"target": "/t", "type": "ramfs", "options": ["size=64MB", "mode=755"]},
                                       {"target": "/u", "type": "ramfs", "options": ["size=25%", "nr_inodes=100"]}]})");
    EXPECT_EQ(config.mounts[0].options, (std::vector<std::string>{"size=64MB", "mode=755"}));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "options": ["size=lots"]}]})"),
                         "'mount[0].options[0]' is \"size=lots\", which must be a size"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "options": ["size=0"]}]})"),
                         "'mount[0].options[0]'"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "options": ["size=101%"]}]})"),
                         "percentage"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "options": ["mode=999"]}]})"),
                         "octal"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "options": ["noexec"]}]})"),
                         "'mount[0].options[0]' is \"noexec\", which is not of the form name=value"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "options": ["huge=always"]}]})"),
                         "is not a ramfs option"));
    EXPECT_TRUE(contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs", "options": ["size=1M,mode=1"]}]})"),
                         "one option per string"));
}

TEST(RamfsOptionsTest, ParsesAsTheLibOSDoes) {
    abi::RamfsOptions options;
    std::string_view bad;
    EXPECT_EQ(abi::parse_ramfs_options("", 1 << 30, options, bad), nullptr);
    EXPECT_EQ(options.size, 512u << 20);  // half of the memory by default
    EXPECT_EQ(options.mode, 01777u);
    EXPECT_EQ(abi::parse_ramfs_options("size=1000,mode=700", 1 << 30, options, bad), nullptr);
    EXPECT_EQ(options.size, 4096u);  // whole pages
    EXPECT_EQ(options.mode, 0700u);
    EXPECT_EQ(abi::parse_ramfs_options("size=10%", 1000 << 20, options, bad), nullptr);
    EXPECT_EQ(options.size, 100u << 20);
    EXPECT_NE(abi::parse_ramfs_options("size=1M,bogus=1", 1 << 30, options, bad), nullptr);
    EXPECT_EQ(bad, "bogus=1");
}

TEST_F(ConfigFileTest, SyntaxErrorsGiveLineAndColumn) {
    std::string message = error_for("{\n  \"hostname\": \"a\",\n  }\n");
    EXPECT_TRUE(contains(message, file().string() + ":3:3: ")) << message;
    EXPECT_FALSE(contains(message, "json.exception"));
}

TEST_F(ConfigFileTest, NestingIsLimited) {
    // 20,000 levels: refused by the pre-scan, before the parser builds them.
    std::string deep = "{\"a\": " + std::string(20000, '[') + std::string(20000, ']') + "}";
    std::string message = error_for(deep);
    EXPECT_TRUE(contains(message, file().string() + ":1:70: nested deeper than 64 levels")) << message;
    EXPECT_TRUE(contains(message, "nesting limit")) << message;
    // 64 levels are parsed (and then refused for what they hold).
    std::string allowed = "{\"a\": " + std::string(63, '[') + std::string(63, ']') + "}";
    EXPECT_FALSE(contains(error_for(allowed), "nested")) << error_for(allowed);
    // Brackets inside strings, escaped quotes included, are not nesting.
    std::string in_string = "{\"hostname\": \"\\\"" + std::string(100, '[') + "\"}";
    EXPECT_FALSE(contains(error_for(in_string), "nested")) << error_for(in_string);
}

TEST_F(ConfigFileTest, DuplicateKeysAreErrors) {
    EXPECT_TRUE(contains(error_for(R"({"resource_limits": {"max_num_of_threads": 8, "max_num_of_threads": 9}})"),
                         "key 'resource_limits.max_num_of_threads' appears twice"));
    EXPECT_TRUE(
        contains(error_for(R"({"mount": [{"target": "/a", "type": "ramfs"}, {"target": "/b", "target": "/c"}]})"),
                 "key 'mount[1].target' appears twice"));
}

TEST(ConfigMissingFileTest, NamesTheFile) {
    std::string message = test_support::message_of<UserError>([] { load_config("/nonexistent/cella.json"); });
    EXPECT_TRUE(contains(message, "cannot read /nonexistent/cella.json"));
}

}  // namespace
}  // namespace cella::cli
