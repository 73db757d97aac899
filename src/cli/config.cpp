#include "config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "abi/mount_options.h"
#include "byte_size.h"
#include "rooted_path.h"
#include "user_error.h"

namespace cella::cli {
namespace {

using Json = nlohmann::json;

constexpr std::uint64_t kKiB = std::uint64_t{1} << 10;
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

constexpr std::uint64_t kMinUserSpace = 16 * kMiB, kMaxUserSpace = 64 * kGiB;
constexpr std::uint64_t kMinKernelHeap = 8 * kMiB, kMaxKernelHeap = 8 * kGiB;
constexpr std::uint64_t kMinThreads = 1, kMaxThreads = 4096;
constexpr std::uint64_t kMinStack = 64 * kKiB;
// SGX's ISVPRODID and ISVSVN, which these become on hardware, are 16-bit.
constexpr std::uint64_t kMaxSgxIsvField = 0xffff;
// HOST_NAME_MAX on Linux.
constexpr std::size_t kMaxHostnameLength = 64;

constexpr std::string_view kMountTypes[] = {"hostfs", "ramfs"};

// The one place the defaults are written down: `cella new` writes this
// document and load_config() starts from it.
nlohmann::ordered_json default_document() {
    nlohmann::ordered_json document;
    document["resource_limits"] = {
        {"user_space_size", "512MB"}, {"kernel_space_heap_size", "64MB"}, {"max_num_of_threads", 64}};
    document["process"] = {
        {"default_stack_size", "8MB"}, {"default_heap_size", "32MB"}, {"default_mmap_size", "256MB"}, {"fork", "unsupported"}};
    document["entry_points"] = {"/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin"};
    document["env"] = {{"default", {"HOME=/root", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"}},
                       {"untrusted", {"TERM"}}};
    document["metadata"] = {{"product_id", 0}, {"version_number", 0}, {"debuggable", true}};
    document["hostname"] = "cella";
    document["mount"] = nlohmann::ordered_json::array(
        {{{"target", "/tmp"}, {"type", "ramfs"}}, {{"target", "/dev/shm"}, {"type", "ramfs"}}});
    document["feature"] = {{"syscall_rewrite", true}, {"io_uring", false}};
    return document;
}

std::string join_key(std::string_view parent, std::string_view child) {
    if (parent.empty()) return std::string(child);
    return std::string(parent) + "." + std::string(child);
}

std::string index_key(std::string_view parent, std::size_t index) {
    return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string describe_type(const Json& value) {
    switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "true/false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a fractional number";
    default: return "an unsupported value";
    }
}

// nlohmann::json keeps the last of two equal keys without a word; a
// silently ignored setting is worse than an error, so the parse callback
// records the first repeat with its full key path.
class DuplicateKeyFinder {
public:
    bool operator()(int, Json::parse_event_t event, Json& parsed) {
        switch (event) {
        case Json::parse_event_t::object_start: frames_.push_back({true, child_path(), {}, {}, 0}); break;
        case Json::parse_event_t::array_start: frames_.push_back({false, child_path(), {}, {}, 0}); break;
        case Json::parse_event_t::key: {
            Frame& top = frames_.back();
            top.key = parsed.get<std::string>();
            if (!top.keys.insert(top.key).second && !duplicate_) duplicate_ = join_key(top.path, top.key);
            break;
        }
        case Json::parse_event_t::value: element_done(); break;
        case Json::parse_event_t::object_end:
        case Json::parse_event_t::array_end:
            frames_.pop_back();
            element_done();
            break;
        }
        return true;
    }
    const std::optional<std::string>& duplicate() const { return duplicate_; }

private:
    struct Frame {
        bool is_object;
        std::string path;
        std::set<std::string> keys;
        std::string key;
        std::size_t index;
    };
    std::string child_path() const {
        if (frames_.empty()) return {};
        const Frame& top = frames_.back();
        return top.is_object ? join_key(top.path, top.key) : index_key(top.path, top.index);
    }
    void element_done() {
        if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    }
    std::vector<Frame> frames_;
    std::optional<std::string> duplicate_;
};

// Overlays a parsed document on a Config, checking every key and value.
// Every error names the file and the full key path.
class ConfigReader {
public:
    ConfigReader(std::string file_name, std::filesystem::path base_folder)
        : file_name_(std::move(file_name)), base_folder_(std::move(base_folder)) {}

    void read(const Json& document, Config& config) const {
        if (!document.is_object()) fail_plain("must hold a JSON object, not " + describe_type(document));
        check_known_keys(document, "",
                         {"resource_limits", "process", "entry_points", "env", "metadata", "hostname", "mount", "feature"});
        if (const Json* section = find(document, "resource_limits")) read_resource_limits(*section, config);
        if (const Json* section = find(document, "process")) read_process(*section, config);
        if (const Json* value = find(document, "entry_points")) read_entry_points(*value, config);
        if (const Json* section = find(document, "env")) read_env(*section, config);
        if (const Json* section = find(document, "metadata")) read_metadata(*section, config);
        if (const Json* value = find(document, "hostname")) read_hostname(*value, config);
        if (const Json* value = find(document, "mount")) read_mounts(*value, config);
        if (const Json* section = find(document, "feature")) read_feature(*section, config);
        check_process_sizes_fit(config);
    }

private:
    [[noreturn]] void fail_plain(const std::string& message) const { throw UserError(file_name_ + ": " + message); }
    [[noreturn]] void fail(std::string_view key, const std::string& message) const {
        fail_plain("'" + std::string(key) + "' " + message);
    }

    static const Json* find(const Json& object, std::string_view key) {
        auto it = object.find(key);
        return it == object.end() ? nullptr : &*it;
    }

    void check_known_keys(const Json& object, std::string_view path,
                          std::initializer_list<std::string_view> known) const {
        for (const auto& [key, value] : object.items()) {
            if (std::find(known.begin(), known.end(), key) != known.end()) continue;
            std::string message = "unknown key '" + join_key(path, key) + "'";
            auto closest = std::min_element(known.begin(), known.end(), [&](std::string_view a, std::string_view b) {
                return edit_distance(key, a) < edit_distance(key, b);
            });
            if (closest != known.end() && edit_distance(key, *closest) <= 2)
                message += " (did you mean '" + join_key(path, *closest) + "'?)";
            fail_plain(message);
        }
    }

    void require_object(const Json& value, std::string_view key) const {
        if (!value.is_object()) fail(key, "must be an object, not " + describe_type(value));
    }

    std::uint64_t read_size(const Json& value, std::string_view key, std::uint64_t min, std::uint64_t max) const {
        std::uint64_t bytes = 0;
        if (value.is_number_unsigned()) {
            bytes = value.get<std::uint64_t>();
        } else if (value.is_number_integer()) {
            fail(key, "must not be negative");
        } else if (value.is_string()) {
            bytes = parse_size(value.get<std::string>(), key, file_name_);
        } else {
            fail(key, "must be a size (a number of bytes or a string like \"64MB\"), not " + describe_type(value));
        }
        if (bytes < min || bytes > max)
            fail(key, "is " + format_exact_byte_size(bytes) + "; it must be between " + format_exact_byte_size(min) +
                          " and " + format_exact_byte_size(max));
        return bytes;
    }

    std::uint64_t read_integer(const Json& value, std::string_view key, std::uint64_t min, std::uint64_t max) const {
        if (!value.is_number_integer()) fail(key, "must be an integer, not " + describe_type(value));
        if (!value.is_number_unsigned()) fail(key, "must not be negative");
        std::uint64_t number = value.get<std::uint64_t>();
        if (number < min || number > max)
            fail(key, "is " + std::to_string(number) + "; it must be between " + std::to_string(min) + " and " +
                          std::to_string(max));
        return number;
    }

    bool read_bool(const Json& value, std::string_view key) const {
        if (!value.is_boolean()) fail(key, "must be true or false, not " + describe_type(value));
        return value.get<bool>();
    }

    std::string read_string(const Json& value, std::string_view key) const {
        if (!value.is_string()) fail(key, "must be a string, not " + describe_type(value));
        return value.get<std::string>();
    }

    std::vector<std::string> read_string_array(const Json& value, std::string_view key) const {
        if (!value.is_array()) fail(key, "must be an array of strings, not " + describe_type(value));
        std::vector<std::string> strings;
        for (std::size_t i = 0; i < value.size(); ++i) strings.push_back(read_string(value[i], index_key(key, i)));
        return strings;
    }

    std::string read_absolute_path(const Json& value, std::string_view key) const {
        std::string path = read_string(value, key);
        if (path.empty() || path[0] != '/') fail(key, "must be an absolute path, not \"" + path + "\"");
        return path;
    }

    void read_resource_limits(const Json& section, Config& config) const {
        require_object(section, "resource_limits");
        check_known_keys(section, "resource_limits",
                         {"user_space_size", "kernel_space_heap_size", "max_num_of_threads"});
        if (const Json* value = find(section, "user_space_size"))
            config.user_space_size = read_size(*value, "resource_limits.user_space_size", kMinUserSpace, kMaxUserSpace);
        if (const Json* value = find(section, "kernel_space_heap_size"))
            config.kernel_space_heap_size =
                read_size(*value, "resource_limits.kernel_space_heap_size", kMinKernelHeap, kMaxKernelHeap);
        if (const Json* value = find(section, "max_num_of_threads"))
            config.max_num_of_threads = static_cast<std::uint32_t>(
                read_integer(*value, "resource_limits.max_num_of_threads", kMinThreads, kMaxThreads));
    }

    // Upper bounds come from check_process_sizes_fit, once user_space_size
    // is known whatever the order of the sections.
    void read_feature(const Json& section, Config& config) const {
        require_object(section, "feature");
        check_known_keys(section, "feature", {"syscall_rewrite", "io_uring"});
        if (const Json* value = find(section, "syscall_rewrite"))
            config.syscall_rewrite = read_bool(*value, "feature.syscall_rewrite");
        if (const Json* value = find(section, "io_uring")) config.io_uring = read_bool(*value, "feature.io_uring");
    }

    void read_process(const Json& section, Config& config) const {
        require_object(section, "process");
        check_known_keys(section, "process", {"default_stack_size", "default_heap_size", "default_mmap_size", "fork"});
        constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();
        if (const Json* value = find(section, "default_stack_size"))
            config.default_stack_size = read_size(*value, "process.default_stack_size", kMinStack, kNoLimit);
        if (const Json* value = find(section, "default_heap_size"))
            config.default_heap_size = read_size(*value, "process.default_heap_size", 0, kNoLimit);
        if (const Json* value = find(section, "default_mmap_size"))
            config.default_mmap_size = read_size(*value, "process.default_mmap_size", 0, kNoLimit);
        if (const Json* value = find(section, "fork")) {
            std::string mode = read_string(*value, "process.fork");
            if (mode != "unsupported" && mode != "sequential")
                fail("process.fork", "must be \"unsupported\" or \"sequential\", not \"" + mode + "\"");
            config.sequential_fork = mode == "sequential";
        }
    }

    void check_process_sizes_fit(const Config& config) const {
        const std::pair<const char*, std::uint64_t> sizes[] = {
            {"process.default_stack_size", config.default_stack_size},
            {"process.default_heap_size", config.default_heap_size},
            {"process.default_mmap_size", config.default_mmap_size}};
        for (const auto& [key, bytes] : sizes)
            if (bytes > config.user_space_size)
                fail(key, "is " + format_exact_byte_size(bytes) +
                              "; it cannot exceed 'resource_limits.user_space_size' (" +
                              format_exact_byte_size(config.user_space_size) + ")");
    }

    void read_entry_points(const Json& value, Config& config) const {
        if (!value.is_array()) fail("entry_points", "must be an array of strings, not " + describe_type(value));
        config.entry_points.clear();
        for (std::size_t i = 0; i < value.size(); ++i)
            config.entry_points.push_back(read_absolute_path(value[i], index_key("entry_points", i)));
    }

    void read_env(const Json& section, Config& config) const {
        require_object(section, "env");
        check_known_keys(section, "env", {"default", "untrusted"});
        if (const Json* value = find(section, "default")) {
            config.env_default = read_string_array(*value, "env.default");
            for (std::size_t i = 0; i < config.env_default.size(); ++i) {
                const std::string& item = config.env_default[i];
                std::size_t equals = item.find('=');
                if (equals == std::string::npos || equals == 0)
                    fail(index_key("env.default", i), "must look like \"NAME=value\", not \"" + item + "\"");
            }
        }
        if (const Json* value = find(section, "untrusted")) {
            config.env_untrusted = read_string_array(*value, "env.untrusted");
            for (std::size_t i = 0; i < config.env_untrusted.size(); ++i) {
                const std::string& name = config.env_untrusted[i];
                if (name.empty() || name.find('=') != std::string::npos)
                    fail(index_key("env.untrusted", i), "must be a variable name without '=', not \"" + name + "\"");
            }
        }
    }

    void read_metadata(const Json& section, Config& config) const {
        require_object(section, "metadata");
        check_known_keys(section, "metadata", {"product_id", "version_number", "debuggable"});
        if (const Json* value = find(section, "product_id"))
            config.product_id =
                static_cast<std::uint32_t>(read_integer(*value, "metadata.product_id", 0, kMaxSgxIsvField));
        if (const Json* value = find(section, "version_number"))
            config.version_number =
                static_cast<std::uint32_t>(read_integer(*value, "metadata.version_number", 0, kMaxSgxIsvField));
        if (const Json* value = find(section, "debuggable"))
            config.debuggable = read_bool(*value, "metadata.debuggable");
    }

    void read_hostname(const Json& value, Config& config) const {
        std::string hostname = read_string(value, "hostname");
        if (hostname.empty() || hostname.size() > kMaxHostnameLength || hostname.find('\0') != std::string::npos)
            fail("hostname",
                 "must be 1 to " + std::to_string(kMaxHostnameLength) + " characters, not \"" + hostname + "\"");
        config.hostname = std::move(hostname);
    }

    void read_mounts(const Json& value, Config& config) const {
        if (!value.is_array()) fail("mount", "must be an array of objects, not " + describe_type(value));
        config.mounts.clear();
        for (std::size_t i = 0; i < value.size(); ++i) {
            std::string key = index_key("mount", i);
            MountConfig mount = read_mount(value[i], key);
            for (const MountConfig& earlier : config.mounts)
                if (earlier.target == mount.target)
                    fail(join_key(key, "target"), "is \"" + mount.target + "\", which an earlier mount already uses");
            config.mounts.push_back(std::move(mount));
        }
    }

    MountConfig read_mount(const Json& entry, const std::string& key) const {
        require_object(entry, key);
        check_known_keys(entry, key, {"target", "type", "source", "options"});
        MountConfig mount;
        const Json* target = find(entry, "target");
        if (!target) fail(key, "needs a \"target\"");
        mount.target = normalize_logical(read_absolute_path(*target, join_key(key, "target")));
        if (mount.target == "/")
            fail(join_key(key, "target"), "cannot be \"/\": the root is always the image built from image/");
        const Json* type = find(entry, "type");
        if (!type) fail(key, "needs a \"type\"");
        mount.type = read_string(*type, join_key(key, "type"));
        if (std::find(std::begin(kMountTypes), std::end(kMountTypes), mount.type) == std::end(kMountTypes))
            fail(join_key(key, "type"), "is \"" + mount.type + "\"; it must be \"hostfs\" or \"ramfs\"");
        const Json* source = find(entry, "source");
        if (mount.type == "hostfs") {
            if (!source) fail(key, "is a hostfs mount and needs a \"source\" (a host folder)");
            std::string text = read_string(*source, join_key(key, "source"));
            if (text.empty()) fail(join_key(key, "source"), "must name a host folder");
            mount.source = (base_folder_ / text).lexically_normal().string();
        } else if (source) {
            fail(join_key(key, "source"), "is only for hostfs mounts");
        }
        if (const Json* options = find(entry, "options"))
            mount.options = read_string_array(*options, join_key(key, "options"));
        if (mount.type == "ramfs") check_ramfs_options(mount.options, join_key(key, "options"));
        return mount;
    }

    // The LibOS parses them again at boot, with the same grammar.
    void check_ramfs_options(const std::vector<std::string>& options, const std::string& key) const {
        for (std::size_t i = 0; i < options.size(); ++i) {
            abi::RamfsOptions parsed;
            std::string_view bad;
            if (options[i].find(',') != std::string::npos)
                fail(index_key(key, i), "is \"" + options[i] + "\"; give one option per string");
            if (const char* reason = abi::parse_ramfs_options(options[i], std::uint64_t{1} << 30, parsed, bad))
                fail(index_key(key, i), "is \"" + options[i] + "\", which " + reason);
        }
    }

    std::string file_name_;
    std::filesystem::path base_folder_;
};

// "[json.exception.parse_error.101] parse error at line 3, column 5: syntax
// error ..." -> "syntax error ...": the position is reported separately.
std::string parse_error_reason(const std::string& what) {
    std::size_t at = what.find("column ");
    if (at == std::string::npos) at = what.find("parse error");
    std::size_t colon = what.find(": ", at == std::string::npos ? 0 : at);
    return colon == std::string::npos ? what : what.substr(colon + 2);
}

std::string line_and_column(const std::string& text, std::size_t byte) {
    // `byte` counts from 1 and names the last character read.
    std::size_t end = std::min(byte == 0 ? 0 : byte - 1, text.size());
    std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + end, '\n'));
    std::size_t line_start = text.rfind('\n', end == 0 ? 0 : end - 1);
    std::size_t column = line_start == std::string::npos || end == 0 ? end + 1 : end - line_start;
    return std::to_string(line) + ":" + std::to_string(column);
}

// cella.json nests a few levels; a limit keeps the parse linear in the
// file size (the duplicate-key finder carries every level's key path).
constexpr std::size_t kMaxNesting = 64;

// The byte (counting from 1) of the first bracket nested deeper than
// kMaxNesting, outside strings; 0 when none is.
std::size_t too_deep_at(const std::string& text) {
    std::size_t depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxNesting) return i + 1;
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return 0;
}

}  // namespace

std::string default_config_text() { return default_document().dump(4) + "\n"; }

Config default_config() {
    Config config;
    ConfigReader("the built-in defaults", "/").read(Json::parse(default_config_text()), config);
    return config;
}

std::uint64_t parse_size(std::string_view text, std::string_view key, const std::filesystem::path& file) {
    std::optional<std::uint64_t> bytes = parse_byte_size(text);
    if (!bytes)
        throw UserError(file.string() + ": '" + std::string(key) + "' is \"" + std::string(text) +
                        "\", which is not a size; write a number of bytes or a string like \"64MB\", \"512KB\" "
                        "or \"1GB\"");
    return *bytes;
}

Config load_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw UserError("cannot read " + file.string() + ": " + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();

    if (std::size_t at = too_deep_at(text))
        throw UserError(file.string() + ":" + line_and_column(text, at) + ": nested deeper than " +
                        std::to_string(kMaxNesting) + " levels, the nesting limit of cella.json");
    DuplicateKeyFinder duplicates;
    Json document;
    try {
        document = Json::parse(text, std::ref(duplicates));
    } catch (const Json::parse_error& error) {
        throw UserError(file.string() + ":" + line_and_column(text, error.byte) + ": " +
                        parse_error_reason(error.what()));
    }
    if (duplicates.duplicate())
        throw UserError(file.string() + ": key '" + *duplicates.duplicate() + "' appears twice");

    Config config = default_config();
    std::filesystem::path base_folder = std::filesystem::absolute(file).parent_path();
    ConfigReader(file.string(), base_folder).read(document, config);
    return config;
}

}  // namespace cella::cli
