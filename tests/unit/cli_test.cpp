// The `new`, `add` and `build` commands end to end, on scratch instances.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "cli/cmd_add.h"
#include "cli/cmd_build.h"
#include "cli/cmd_new.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/image_fingerprint.h"
#include "cli/instance.h"
#include "cli/user_error.h"
#include "cli_test_support.h"

namespace cella::cli {
namespace {

using test_support::contains;
using test_support::ElfBuilder;
using test_support::make_symlink;
using test_support::message_of;
using test_support::read_bytes;
using test_support::ScratchFolder;
using test_support::write_bytes;

mode_t mode_of(const std::filesystem::path& path) {
    struct stat status {};
    ::lstat(path.c_str(), &status);
    return status.st_mode;
}

class InstanceTest : public ::testing::Test {
protected:
    Instance make_instance() {
        std::ostringstream out;
        return create_instance(scratch_ / "app", out);
    }
    ScratchFolder scratch_;
};

TEST_F(InstanceTest, NewMakesConfigAndImageSkeleton) {
    std::ostringstream out;
    Instance instance = create_instance(scratch_ / "app", out);
    EXPECT_EQ(instance.root(), scratch_ / "app");
    EXPECT_TRUE(contains(out.str(), "created instance " + (scratch_ / "app").string()));
    EXPECT_EQ(read_bytes(instance.config_file()), default_config_text());
    for (const char* folder : {"bin", "lib", "lib64", "etc", "tmp", "root"})
        EXPECT_TRUE(S_ISDIR(mode_of(instance.image_dir() / folder))) << folder;
    EXPECT_EQ(mode_of(instance.image_dir() / "tmp") & 07777, 01777u);
    EXPECT_EQ(read_bytes(instance.image_dir() / "etc/hostname"), "cella\n");
    EXPECT_TRUE(read_bytes(instance.image_dir() / "etc/passwd").starts_with("root:x:0:0:root:/root:/bin/sh\n"));
    EXPECT_TRUE(contains(read_bytes(instance.image_dir() / "etc/passwd"), "nobody:x:65534:"));
    EXPECT_TRUE(contains(read_bytes(instance.image_dir() / "etc/group"), "root:x:0:"));
    // The network databases, so that getaddrinfo and getservbyname work.
    EXPECT_TRUE(contains(read_bytes(instance.image_dir() / "etc/nsswitch.conf"), "hosts:     files dns"));
    EXPECT_TRUE(contains(read_bytes(instance.image_dir() / "etc/services"), "80/tcp"));
    EXPECT_TRUE(contains(read_bytes(instance.image_dir() / "etc/protocols"), "tcp"));
    EXPECT_TRUE(contains(read_bytes(instance.image_dir() / "etc/resolv.conf"), "nameserver"));
    load_config(instance.config_file());
}

TEST_F(InstanceTest, NewAcceptsAnEmptyFolderAndRefusesOthers) {
    std::ostringstream out;
    std::filesystem::create_directories(scratch_ / "empty");
    create_instance(scratch_ / "empty", out);

    write_bytes(scratch_ / "busy/file", "x");
    EXPECT_TRUE(contains(message_of<UserError>([&] { create_instance(scratch_ / "busy", out); }),
                         "cannot create an instance in " + (scratch_ / "busy").string() + ": the folder is not empty"));
    write_bytes(scratch_ / "plain", "x");
    EXPECT_TRUE(contains(message_of<UserError>([&] { create_instance(scratch_ / "plain", out); }),
                         "it exists and is not a folder"));
}

TEST_F(InstanceTest, CommandLineRegistersNewAddBuild) {
    CLI::App app{"cella"};
    int exit_code = 0;
    register_new_command(app, exit_code);
    register_add_command(app, exit_code);
    register_build_command(app, exit_code);
    std::string dir = (scratch_ / "via-cli").string();
    const char* new_args[] = {"cella", "new", dir.c_str()};
    testing::internal::CaptureStdout();
    app.parse(3, new_args);
    std::string printed = testing::internal::GetCapturedStdout();
    EXPECT_TRUE(contains(printed, "created instance"));
    EXPECT_TRUE(std::filesystem::exists(scratch_ / "via-cli/cella.json"));

    CLI::App help_app{"cella"};
    register_new_command(help_app, exit_code);
    const char* help_args[] = {"cella", "new", "--help"};
    EXPECT_THROW(help_app.parse(3, help_args), CLI::CallForHelp);
}

TEST_F(InstanceTest, OpenRequiresCellaJson) {
    std::string message = message_of<UserError>([&] { Instance::open(scratch_.path()); });
    EXPECT_EQ(message, "not an instance folder: " + scratch_.path().string() +
                           " (no cella.json); create one with `cella new DIR`");
    Instance instance = make_instance();
    EXPECT_EQ(Instance::open((scratch_ / "app/").string()).root(), instance.root());
}

class AddTest : public InstanceTest {
protected:
    AddTest() {
        make_symlink("usr/bin", host() / "bin");
        make_symlink("usr/lib", host() / "lib");
        make_symlink("usr/lib64", host() / "lib64");
        make_symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", host() / "usr/lib64/ld-linux-x86-64.so.2");
        ElfBuilder().soname("ld-linux-x86-64.so.2").write(host() / "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        ElfBuilder().soname("libc.so.6").write(host() / "usr/lib/x86_64-linux-gnu/libc.so.6");
        ElfBuilder().soname("libgcc_s.so.1").write(host() / "usr/lib/x86_64-linux-gnu/libgcc_s.so.1");
        write_bytes(host() / "etc/ld.so.conf", "/usr/local/lib\n");
        ElfBuilder().soname("libextra.so.2").write(host() / "usr/local/lib/libextra.so.2");
        ElfBuilder()
            .interpreter("/lib64/ld-linux-x86-64.so.2")
            .needs("libextra.so.2")
            .needs("libc.so.6")
            .write(host() / "usr/bin/app");
        ::chmod((host() / "usr/bin/app").c_str(), 0750);
    }
    std::filesystem::path host() const { return scratch_ / "host"; }

    std::vector<AddedItem> add(const Instance& instance, AddRequest request) {
        std::ostringstream ignored;
        return add_to_instance(instance, request, out_, ignored, host());
    }
    std::ostringstream out_;
};

TEST_F(AddTest, CopiesTheProgramAndItsClosure) {
    Instance instance = make_instance();
    std::vector<AddedItem> added = add(instance, {{"/bin/app"}, ""});
    ASSERT_EQ(added.size(), 1u);
    EXPECT_EQ(added[0].dependencies, 6u);  // loader link + loader, libextra, libc, libgcc_s, one library link
    EXPECT_EQ(added[0].copied, 7u);
    EXPECT_EQ(out_.str(), "added /bin/app: 6 dependencies; 7 copied, 0 already up to date\n");

    std::filesystem::path image = instance.image_dir();
    EXPECT_EQ(read_bytes(image / "bin/app"), read_bytes(host() / "usr/bin/app"));
    EXPECT_EQ(mode_of(image / "bin/app") & 07777, 0750u);
    EXPECT_TRUE(S_ISDIR(mode_of(image / "bin")));
    EXPECT_TRUE(S_ISDIR(mode_of(image / "lib64")));
    EXPECT_TRUE(S_ISDIR(mode_of(image / "lib")));
    EXPECT_TRUE(S_ISLNK(mode_of(image / "lib64/ld-linux-x86-64.so.2")));
    EXPECT_EQ(std::filesystem::read_symlink(image / "lib64/ld-linux-x86-64.so.2"),
              "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    EXPECT_TRUE(S_ISREG(mode_of(image / "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")));
    EXPECT_TRUE(S_ISREG(mode_of(image / "lib/x86_64-linux-gnu/libgcc_s.so.1")));
    EXPECT_TRUE(S_ISREG(mode_of(image / "usr/local/lib/libextra.so.2")));
    EXPECT_EQ(std::filesystem::read_symlink(image / "usr/lib/x86_64-linux-gnu/libextra.so.2"),
              "/usr/local/lib/libextra.so.2");

    struct stat host_status {
    }, image_status{};
    ::stat((host() / "usr/bin/app").c_str(), &host_status);
    ::stat((image / "bin/app").c_str(), &image_status);
    EXPECT_EQ(host_status.st_mtim.tv_sec, image_status.st_mtim.tv_sec);
    EXPECT_EQ(host_status.st_mtim.tv_nsec, image_status.st_mtim.tv_nsec);
}

TEST_F(AddTest, AddingAgainSkipsUnchangedFiles) {
    Instance instance = make_instance();
    add(instance, {{"/bin/app"}, ""});
    std::string fingerprint = compute_image_fingerprint(instance.image_dir());
    std::vector<AddedItem> again = add(instance, {{"/bin/app"}, ""});
    EXPECT_EQ(again[0].copied, 0u);
    EXPECT_EQ(again[0].unchanged, 7u);
    EXPECT_EQ(compute_image_fingerprint(instance.image_dir()), fingerprint);

    write_bytes(host() / "usr/local/lib/libextra.so.2",
                ElfBuilder().soname("libextra.so.2").needs("libc.so.6").build());
    EXPECT_EQ(add(instance, {{"/bin/app"}, ""})[0].copied, 1u);
}

TEST_F(AddTest, ToPutsTheItemInsideTheFolder) {
    Instance instance = make_instance();
    write_bytes(host() / "srv/data/config.txt", "x=1\n");
    std::vector<AddedItem> added = add(instance, {{"/bin/app", "/srv/data"}, "/opt/"});
    EXPECT_EQ(added[0].image, "/opt/app");
    EXPECT_EQ(added[1].image, "/opt/data");
    EXPECT_EQ(added[1].item_paths, 2u);
    EXPECT_TRUE(contains(out_.str(), "added /bin/app as /opt/app: 6 dependencies"));
    EXPECT_TRUE(contains(out_.str(), "added /srv/data as /opt/data (2 files, folders and links): 0 dependencies"));
    EXPECT_EQ(read_bytes(instance.image_dir() / "opt/data/config.txt"), "x=1\n");
    EXPECT_TRUE(S_ISREG(mode_of(instance.image_dir() / "opt/app")));
    EXPECT_FALSE(std::filesystem::exists(instance.image_dir() / "bin/app"));
}

TEST_F(AddTest, Errors) {
    Instance instance = make_instance();
    EXPECT_EQ(message_of<UserError>([&] {
                  add(instance, {{"/bin/app", "/nothing/here"}, ""});
              }),
              "no such file: /nothing/here");
    EXPECT_FALSE(std::filesystem::exists(instance.image_dir() / "bin/app"));  // nothing copied
    EXPECT_TRUE(contains(message_of<UserError>([&] {
                             add(instance, {{"/bin/app"}, "opt"});
                         }),
                         "--to must be an absolute folder"));
    std::filesystem::remove(host() / "usr/local/lib/libextra.so.2");
    EXPECT_TRUE(contains(message_of<UserError>([&] {
                             add(instance, {{"/bin/app"}, ""});
                         }),
                         "cannot find library libextra.so.2 needed by /bin/app"));
}

TEST_F(AddTest, LinksInAFolderStayLinks) {
    Instance instance = make_instance();
    write_bytes(host() / "srv/data/config.txt", "x=1\n");
    write_bytes(host() / "etc/shadow", "root:secret\n");
    make_symlink("/etc", host() / "srv/data/etc");
    make_symlink("/etc/shadow", host() / "srv/data/shadow");
    make_symlink("config.txt", host() / "srv/data/same");
    make_symlink("../../usr/local", host() / "srv/data/local");
    add(instance, {{"/srv/data"}, ""});
    std::filesystem::path data = instance.image_dir() / "srv/data";
    EXPECT_EQ(std::filesystem::read_symlink(data / "etc"), "/etc");
    EXPECT_EQ(std::filesystem::read_symlink(data / "shadow"), "/etc/shadow");
    EXPECT_EQ(std::filesystem::read_symlink(data / "same"), "config.txt");
    EXPECT_EQ(std::filesystem::read_symlink(data / "local"), "../../usr/local");
    // Nothing a link points to outside the folder came along.
    EXPECT_FALSE(std::filesystem::exists(instance.image_dir() / "etc/shadow"));
    EXPECT_FALSE(std::filesystem::exists(instance.image_dir() / "etc/ld.so.conf"));
    EXPECT_FALSE(std::filesystem::exists(instance.image_dir() / "usr/local"));
    // The item itself is still followed: a link given by name brings its target.
    add(instance, {{"/lib64/ld-linux-x86-64.so.2"}, ""});
    EXPECT_TRUE(S_ISREG(mode_of(instance.image_dir() / "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")));
}

TEST_F(AddTest, SparseFilesStaySparse) {
    Instance instance = make_instance();
    std::filesystem::path sparse = host() / "srv/sparse.img";
    std::filesystem::create_directories(sparse.parent_path());
    constexpr off_t kHole = 16 << 20;
    {
        int fd = ::open(sparse.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::pwrite(fd, "head", 4, 0), 4);
        ASSERT_EQ(::pwrite(fd, "tail", 4, kHole), 4);
        ASSERT_EQ(::ftruncate(fd, kHole + 4096), 0);  // and a hole at the end
        ::close(fd);
    }
    struct stat host_status {};
    ASSERT_EQ(::stat(sparse.c_str(), &host_status), 0);
    if (host_status.st_blocks * 512 >= kHole) GTEST_SKIP() << "the scratch file system keeps no holes";
    add(instance, {{"/srv/sparse.img"}, ""});
    struct stat image_status {};
    ASSERT_EQ(::stat((instance.image_dir() / "srv/sparse.img").c_str(), &image_status), 0);
    EXPECT_EQ(image_status.st_size, kHole + 4096);
    EXPECT_LT(image_status.st_blocks * 512, 1 << 20);
    std::string bytes = read_bytes(instance.image_dir() / "srv/sparse.img");
    EXPECT_EQ(bytes.substr(0, 4), "head");
    EXPECT_EQ(bytes.substr(kHole, 4), "tail");
    EXPECT_EQ(bytes[kHole / 2], '\0');
    EXPECT_EQ(bytes.back(), '\0');
}

TEST_F(AddTest, ASymlinkCannotReplaceAnImageFolder) {
    Instance instance = make_instance();
    std::string message = message_of<UserError>([&] { add(instance, {{"/lib64"}, ""}); });
    EXPECT_TRUE(contains(message, "image/lib64 is a folder")) << message;
    EXPECT_TRUE(contains(message, "cella add /usr/lib64 --to /")) << message;
}

TEST_F(InstanceTest, AddRefusesTheImageItself) {
    Instance instance = make_instance();
    std::ostringstream out, err;
    EXPECT_TRUE(contains(message_of<UserError>([&] {
                             add_to_instance(instance, {{instance.root().string()}, ""}, out, err);
                         }),
                         "it is or holds the instance's own image/ folder"));
}

// A copied instance (cp -a) still runs: a directory's size depends on the
// history of its entries (ext4 never shrinks one), not on what it holds.
TEST_F(InstanceTest, FingerprintIgnoresDirectorySizes) {
    Instance instance = make_instance();
    std::filesystem::path dir = instance.image_dir() / "usr/lib";
    std::filesystem::create_directories(dir);
    struct stat before {};
    ASSERT_EQ(::stat(dir.c_str(), &before), 0);
    std::string fingerprint = compute_image_fingerprint(instance.image_dir());
    // Enough long names to outgrow one directory block, then gone again.
    for (int i = 0; i < 400; ++i) write_bytes(dir / (std::string(100, 'n') + std::to_string(i)), "");
    for (int i = 0; i < 400; ++i) std::filesystem::remove(dir / (std::string(100, 'n') + std::to_string(i)));
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, dir.c_str(), times, 0), 0);
    EXPECT_EQ(compute_image_fingerprint(instance.image_dir()), fingerprint);
}

TEST_F(InstanceTest, BuildWritesImageAndFingerprint) {
    Instance instance = make_instance();
    std::ostringstream out, err;
    EXPECT_EQ(image_state(instance), ImageState::NotBuilt);
    EXPECT_TRUE(contains(message_of<UserError>([&] { require_current_image(instance); }), "run `cella build`"));

    add_to_instance(instance, {{"/bin/echo"}, ""}, out, err);
    BuildResult result = build_instance(instance, out);
    EXPECT_TRUE(contains(out.str(), "built " + instance.image_file().string()));
    EXPECT_EQ(result.image.total_size, std::filesystem::file_size(instance.image_file()));
    EXPECT_EQ(read_bytes(instance.fingerprint_file()), result.fingerprint + "\n");
    EXPECT_EQ(image_state(instance), ImageState::Current);
    require_current_image(instance);

    write_bytes(instance.image_dir() / "etc/motd", "hello\n");
    EXPECT_EQ(image_state(instance), ImageState::Stale);
    EXPECT_EQ(message_of<UserError>([&] { require_current_image(instance); }),
              "image/ changed since the last build; run `cella build`");
}

TEST_F(InstanceTest, BuildChecksTheConfiguration) {
    Instance instance = make_instance();
    write_bytes(instance.config_file(), R"({"resource_limits": {"max_num_of_threads": 0}})");
    std::ostringstream out;
    std::string message = message_of<UserError>([&] { build_instance(instance, out); });
    EXPECT_TRUE(contains(message, instance.config_file().string() + ": 'resource_limits.max_num_of_threads'"));
    EXPECT_FALSE(std::filesystem::exists(instance.image_file()));
}

}  // namespace
}  // namespace cella::cli
