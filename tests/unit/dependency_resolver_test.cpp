// The ELF dependency closure of `cella add`, over fake root trees laid out
// like Debian 12 (/bin, /lib and /lib64 symlinks into /usr) and holding
// small crafted ELF files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "cli/dependency_resolver.h"
#include "cli/library_search_config.h"
#include "cli/rooted_path.h"
#include "cli/user_error.h"
#include "cli_test_support.h"

namespace cella::cli {
namespace {

using test_support::contains;
using test_support::ElfBuilder;
using test_support::make_symlink;
using test_support::ScratchFolder;
using test_support::write_bytes;

constexpr const char* kGlibcLoader = "/lib64/ld-linux-x86-64.so.2";

bool has_path(const std::vector<PlacedPath>& paths, const std::string& host, const std::string& image) {
    return std::find(paths.begin(), paths.end(), PlacedPath{host, image}) != paths.end();
}
bool has_path(const std::vector<PlacedPath>& paths, const std::string& same) { return has_path(paths, same, same); }

std::string list(const std::vector<PlacedPath>& paths) {
    std::string text;
    for (const PlacedPath& path : paths) text += path.host + "=>" + path.image + " ";
    return text;
}

class FakeRootTest : public ::testing::Test {
protected:
    FakeRootTest() {
        make_symlink("usr/bin", root() / "bin");
        make_symlink("usr/lib", root() / "lib");
        make_symlink("usr/lib64", root() / "lib64");
        make_symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", root() / "usr/lib64/ld-linux-x86-64.so.2");
        ElfBuilder().soname("ld-linux-x86-64.so.2").write(root() / "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        ElfBuilder().soname("libc.so.6").needs("ld-linux-x86-64.so.2").write(multiarch() / "libc.so.6");
        ElfBuilder().soname("libgcc_s.so.1").needs("libc.so.6").write(multiarch() / "libgcc_s.so.1");

        write_bytes(root() / "etc/ld.so.conf", "# host libraries\ninclude /etc/ld.so.conf.d/*.conf\n");
        write_bytes(root() / "etc/ld.so.conf.d/local.conf", "/opt/local/lib\n");
        write_bytes(root() / "etc/ld.so.conf.d/other.conf", "include ../extra.conf\n");
        write_bytes(root() / "etc/extra.conf", "  /opt/extra/lib/=libc6   # old syntax\nhwcap 0 nosegneg\n");

        // /bin/app: RUNPATH $ORIGIN/../lib/app; libfoo from there, libbar
        // only through ld.so.conf, and libbar needs libfoo again by name.
        ElfBuilder()
            .interpreter(kGlibcLoader)
            .needs("libfoo.so.1")
            .needs("libc.so.6")
            .runpath("$ORIGIN/../lib/app")
            .write(root() / "usr/bin/app");
        make_symlink("libfoo.so.1.0", root() / "usr/lib/app/libfoo.so.1");
        ElfBuilder()
            .soname("libfoo.so.1")
            .needs("libbar.so")
            .needs("libc.so.6")
            .write(root() / "usr/lib/app/libfoo.so.1.0");
        ElfBuilder()
            .soname("libbar.so")
            .needs("libfoo.so.1")
            .needs("libc.so.6")
            .write(root() / "opt/local/lib/libbar.so");
    }

    std::filesystem::path root() const { return scratch_.path(); }
    std::filesystem::path multiarch() const { return root() / "usr/lib/x86_64-linux-gnu"; }

    Closure resolve(const std::string& host, const std::string& image = {}) {
        DependencyResolver resolver(root());
        return resolver.resolve({host, image.empty() ? host : image});
    }
    std::string error_resolving(const std::string& host) {
        return test_support::message_of<UserError>([&] { resolve(host); });
    }

    ScratchFolder scratch_;
};

TEST_F(FakeRootTest, InterpreterSymlinkChainIsKept) {
    Closure closure = resolve("/bin/app");
    EXPECT_EQ(closure.item, (std::vector<PlacedPath>{{"/bin/app", "/bin/app"}}));
    EXPECT_TRUE(has_path(closure.dependencies, "/lib64/ld-linux-x86-64.so.2")) << list(closure.dependencies);
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"))
        << list(closure.dependencies);
}

TEST_F(FakeRootTest, RunpathWithOriginAndLibrarySymlinks) {
    Closure closure = resolve("/bin/app");
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/app/libfoo.so.1")) << list(closure.dependencies);
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/app/libfoo.so.1.0")) << list(closure.dependencies);
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/x86_64-linux-gnu/libc.so.6")) << list(closure.dependencies);
}

TEST_F(FakeRootTest, LdSoConfFoldersFollowIncludes) {
    EXPECT_EQ(read_ld_so_conf(root()), (std::vector<std::string>{"/opt/local/lib", "/opt/extra/lib"}));
}

TEST_F(FakeRootTest, LibraryFoundOnlyThroughLdSoConfGetsALink) {
    Closure closure = resolve("/bin/app");
    EXPECT_TRUE(has_path(closure.dependencies, "/opt/local/lib/libbar.so")) << list(closure.dependencies);
    ASSERT_EQ(closure.library_links.size(), 1u);
    EXPECT_EQ(closure.library_links[0].image, "/usr/lib/x86_64-linux-gnu/libbar.so");
    EXPECT_EQ(closure.library_links[0].target, "/opt/local/lib/libbar.so");
}

TEST_F(FakeRootTest, LibgccComesWithLibc) {
    Closure closure = resolve("/bin/app");
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/x86_64-linux-gnu/libgcc_s.so.1")) << list(closure.dependencies);

    ElfBuilder().soname("libplain.so").write(root() / "opt/plain/libplain.so");
    EXPECT_TRUE(resolve("/opt/plain/libplain.so").dependencies.empty());
}

TEST_F(FakeRootTest, MissingLibgccIsOnlyAWarning) {
    std::filesystem::remove(multiarch() / "libgcc_s.so.1");
    Closure closure = resolve("/bin/app");
    ASSERT_EQ(closure.warnings.size(), 1u);
    EXPECT_TRUE(contains(closure.warnings[0], "libgcc_s.so.1"));
}

TEST_F(FakeRootTest, MissingLibraryNamesItAndItsUser) {
    ElfBuilder().interpreter(kGlibcLoader).needs("libmissing.so.3").write(root() / "usr/bin/app2");
    std::string message = error_resolving("/bin/app2");
    EXPECT_TRUE(contains(message, "cannot find library libmissing.so.3 needed by /bin/app2")) << message;
    EXPECT_TRUE(contains(message, "/opt/local/lib")) << message;
}

TEST_F(FakeRootTest, MissingItemIsAnError) {
    EXPECT_TRUE(contains(error_resolving("/bin/nothing"), "no such file: /bin/nothing"));
}

TEST_F(FakeRootTest, RpathIsIgnoredWhenRunpathIsPresent) {
    ElfBuilder().soname("libr.so").write(root() / "opt/r/libr.so");
    ElfBuilder().interpreter(kGlibcLoader).needs("libr.so").rpath("/opt/r").write(root() / "usr/bin/with-rpath");
    ElfBuilder()
        .interpreter(kGlibcLoader)
        .needs("libr.so")
        .rpath("/opt/r")
        .runpath("/nowhere")
        .write(root() / "usr/bin/with-both");
    Closure closure = resolve("/bin/with-rpath");
    EXPECT_TRUE(has_path(closure.dependencies, "/opt/r/libr.so"));
    EXPECT_TRUE(closure.library_links.empty());
    EXPECT_TRUE(contains(error_resolving("/bin/with-both"), "cannot find library libr.so"));
}

TEST_F(FakeRootTest, RpathOfTheLoaderAppliesToItsLibraries) {
    ElfBuilder().soname("libq.so").needs("libq2.so").write(root() / "opt/q/libq.so");
    ElfBuilder().soname("libq2.so").write(root() / "opt/q/libq2.so");
    ElfBuilder().interpreter(kGlibcLoader).needs("libq.so").rpath("/opt/q").write(root() / "usr/bin/q");
    Closure closure = resolve("/bin/q");
    EXPECT_TRUE(has_path(closure.dependencies, "/opt/q/libq2.so")) << list(closure.dependencies);
}

TEST_F(FakeRootTest, LibraryForAnotherMachineIsPassedOver) {
    ElfBuilder().machine(EM_386).write(root() / "opt/local/lib/libbaz.so");
    ElfBuilder().soname("libbaz.so").write(multiarch() / "libbaz.so");
    ElfBuilder().interpreter(kGlibcLoader).needs("libbaz.so").write(root() / "usr/bin/baz");
    Closure closure = resolve("/bin/baz");
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/x86_64-linux-gnu/libbaz.so")) << list(closure.dependencies);
    EXPECT_FALSE(has_path(closure.dependencies, "/opt/local/lib/libbaz.so"));
}

TEST_F(FakeRootTest, MalformedElfNamesTheFile) {
    std::string truncated = ElfBuilder().interpreter(kGlibcLoader).build().substr(0, 80);
    write_bytes(root() / "usr/bin/broken", truncated, 0755);
    std::string message = error_resolving("/bin/broken");
    EXPECT_TRUE(contains(message, "/bin/broken: ELF program headers are malformed or truncated")) << message;
}

TEST_F(FakeRootTest, ForeignElfItemIsCopiedWithAWarning) {
    write_bytes(root() / "opt/firmware.elf", ElfBuilder().machine(EM_AARCH64).build());
    Closure closure = resolve("/opt/firmware.elf");
    EXPECT_TRUE(closure.dependencies.empty());
    ASSERT_EQ(closure.warnings.size(), 1u);
    EXPECT_TRUE(contains(closure.warnings[0], "/opt/firmware.elf was copied without looking for its libraries"));
}

TEST_F(FakeRootTest, ItemPlacedElsewhereCarriesItsRelativeLinks) {
    make_symlink("python3.11", root() / "usr/bin/python3");
    ElfBuilder().interpreter(kGlibcLoader).needs("libc.so.6").write(root() / "usr/bin/python3.11");
    Closure closure = resolve("/usr/bin/python3", "/app/python3");
    EXPECT_EQ(closure.item, (std::vector<PlacedPath>{{"/usr/bin/python3", "/app/python3"},
                                                     {"/usr/bin/python3.11", "/app/python3.11"}}));
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/x86_64-linux-gnu/libc.so.6"));
}

TEST_F(FakeRootTest, OriginFollowsTheItemIntoTheImage) {
    ElfBuilder()
        .interpreter(kGlibcLoader)
        .needs("libtool.so")
        .runpath("${ORIGIN}/../lib")
        .write(root() / "opt/tool/bin/tool");
    ElfBuilder().soname("libtool.so").write(root() / "opt/tool/lib/libtool.so");
    Closure closure = resolve("/opt/tool/bin/tool", "/srv/bin/tool");
    EXPECT_TRUE(has_path(closure.dependencies, "/opt/tool/lib/libtool.so", "/srv/lib/libtool.so"))
        << list(closure.dependencies);
}

TEST_F(FakeRootTest, FolderIsCopiedWholeWithTheNeedsOfItsPrograms) {
    ElfBuilder().interpreter(kGlibcLoader).needs("libc.so.6").write(root() / "opt/tool/bin/tool");
    write_bytes(root() / "opt/tool/share/readme.txt", "hello\n");
    make_symlink("../bin/tool", root() / "opt/tool/share/tool-link");
    make_symlink("missing-target", root() / "opt/tool/share/dangling");
    write_bytes(root() / "opt/tool/share/other-arch.so", ElfBuilder().machine(EM_AARCH64).build());
    Closure closure = resolve("/opt/tool");
    for (const char* path :
         {"/opt/tool", "/opt/tool/bin", "/opt/tool/bin/tool", "/opt/tool/share", "/opt/tool/share/readme.txt",
          "/opt/tool/share/tool-link", "/opt/tool/share/dangling", "/opt/tool/share/other-arch.so"})
        EXPECT_TRUE(has_path(closure.item, path)) << path << " in " << list(closure.item);
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/x86_64-linux-gnu/libc.so.6"));
    EXPECT_TRUE(has_path(closure.dependencies, "/lib64/ld-linux-x86-64.so.2"));
    EXPECT_TRUE(closure.warnings.empty());
}

TEST_F(FakeRootTest, PluginsInAFolderMayNeedLibrariesOfTheTree) {
    ElfBuilder()
        .interpreter(kGlibcLoader)
        .needs("libcore.so")
        .runpath("$ORIGIN/../lib")
        .write(root() / "opt/suite/bin/suite");
    ElfBuilder().soname("libcore.so").write(root() / "opt/suite/lib/libcore.so");
    ElfBuilder().needs("libcore.so").write(root() / "opt/suite/plugins/libplugin.so");
    Closure closure = resolve("/opt/suite");
    EXPECT_TRUE(has_path(closure.item, "/opt/suite/plugins/libplugin.so"));
    EXPECT_TRUE(closure.warnings.empty());

    ElfBuilder().needs("libelsewhere.so").write(root() / "opt/suite/plugins/libother.so");
    EXPECT_TRUE(contains(error_resolving("/opt/suite"),
                         "cannot find library libelsewhere.so needed by /opt/suite/plugins/libother.so"));
}

TEST_F(FakeRootTest, SpecialFilesAreRefused) {
    std::filesystem::create_directories(root() / "opt/pipes");
    ASSERT_EQ(::mkfifo((root() / "opt/pipes/fifo").c_str(), 0644), 0);
    EXPECT_TRUE(contains(error_resolving("/opt/pipes"), "/opt/pipes/fifo is a fifo"));
}

TEST_F(FakeRootTest, MuslLoaderAndItsPathFile) {
    make_symlink("x86_64-linux-musl/libc.so", root() / "usr/lib/ld-musl-x86_64.so.1");
    ElfBuilder().soname("libc.so").write(root() / "usr/lib/x86_64-linux-musl/libc.so");
    write_bytes(root() / "etc/ld-musl-x86_64.path", "/lib/x86_64-linux-musl\n/usr/local/musl/lib\n");
    ElfBuilder().soname("libm2.so").needs("libc.so").write(root() / "usr/local/musl/lib/libm2.so");
    ElfBuilder()
        .interpreter("/lib/ld-musl-x86_64.so.1")
        .needs("libc.so")
        .needs("libpthread.so.0")
        .needs("libm2.so")
        .write(root() / "usr/bin/musl-app");
    Closure closure = resolve("/bin/musl-app");
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/ld-musl-x86_64.so.1")) << list(closure.dependencies);
    EXPECT_TRUE(has_path(closure.dependencies, "/lib/x86_64-linux-musl/libc.so")) << list(closure.dependencies);
    EXPECT_TRUE(has_path(closure.dependencies, "/etc/ld-musl-x86_64.path"));
    EXPECT_TRUE(has_path(closure.dependencies, "/usr/local/musl/lib/libm2.so"));
    EXPECT_FALSE(has_path(closure.dependencies, "/lib/x86_64-linux-gnu/libgcc_s.so.1"));
    EXPECT_TRUE(closure.library_links.empty());
}

TEST(DynamicStringTokensTest, Expansion) {
    EXPECT_EQ(expand_dynamic_string_tokens("$ORIGIN/../lib", "/opt/app/bin"), "/opt/app/bin/../lib");
    EXPECT_EQ(expand_dynamic_string_tokens("${ORIGIN}/x:$ORIGIN", "/o"), "/o/x:/o");
    EXPECT_EQ(expand_dynamic_string_tokens("/usr/$LIB/extra", "/o"), "/usr/lib/x86_64-linux-gnu/extra");
    EXPECT_EQ(expand_dynamic_string_tokens("/opt/${PLATFORM}/lib", "/o"), "/opt/x86_64/lib");
    EXPECT_EQ(expand_dynamic_string_tokens("$ORIGINAL/$HOME", "/o"), "$ORIGINAL/$HOME");
}

TEST(LibrarySearchConfigTest, GlobsAndIncludeLoops) {
    ScratchFolder root;
    write_bytes(root / "etc/ld.so.conf", "include /etc/conf.d/*.conf\ninclude /etc/ld.so.conf\n/usr/local/lib\n");
    write_bytes(root / "etc/conf.d/b.conf", "/b\n");
    write_bytes(root / "etc/conf.d/a.conf", "/a # first\n\n");
    write_bytes(root / "etc/conf.d/.hidden.conf", "/hidden\n");
    write_bytes(root / "etc/conf.d/c.txt", "/c\n");
    EXPECT_EQ(read_ld_so_conf(root.path()), (std::vector<std::string>{"/a", "/b", "/usr/local/lib"}));
    EXPECT_EQ(glob_in_root(root.path(), "/etc/*/?.conf"),
              (std::vector<std::string>{"/etc/conf.d/a.conf", "/etc/conf.d/b.conf"}));
    EXPECT_TRUE(read_ld_so_conf(root.path(), "/etc/none.conf").empty());
}

TEST(RootedPathTest, SymlinksStayInsideTheRoot) {
    ScratchFolder root;
    make_symlink("/", root / "up");
    make_symlink("../../..", root / "a/escape");
    std::filesystem::create_directories(root / "usr/lib");
    make_symlink("/usr/lib", root / "lib");
    EXPECT_EQ(resolve_in_root(root.path(), "/up/usr/lib", true), root.path() / "usr/lib");
    EXPECT_EQ(resolve_in_root(root.path(), "/a/escape/usr", true), root.path() / "usr");
    EXPECT_EQ(resolve_in_root(root.path(), "/lib", false), root.path() / "lib");
    EXPECT_EQ(resolve_in_root(root.path(), "/lib/x/y", true), root.path() / "usr/lib/x/y");
    EXPECT_EQ(make_directories_in_root(root.path(), "/lib/new/deeper"), root.path() / "usr/lib/new/deeper");
    EXPECT_TRUE(std::filesystem::is_directory(root / "usr/lib/new/deeper"));
    make_symlink("loop", root / "loop");
    EXPECT_THROW(resolve_in_root(root.path(), "/loop/x", true), UserError);
}

TEST(RootedPathTest, LexicalHelpers) {
    EXPECT_EQ(normalize_logical("/a/./b//../c/"), "/a/c");
    EXPECT_EQ(normalize_logical("/../.."), "/");
    EXPECT_EQ(normalize_logical("a/b"), "/a/b");
    EXPECT_EQ(logical_parent("/a/b"), "/a");
    EXPECT_EQ(logical_parent("/a"), "/");
    EXPECT_EQ(logical_name("/a/b/"), "b");
    EXPECT_EQ(logical_name("/"), "");
    EXPECT_EQ(logical_join("/a/b", "../c"), "/a/c");
    EXPECT_EQ(logical_join("/a", "/x/y"), "/x/y");
}

TEST(HostDependencyTest, RealLsNeedsLibcAndLoader) {
    DependencyResolver resolver;
    Closure closure = resolver.resolve({"/bin/ls", "/bin/ls"});
    EXPECT_TRUE(has_path(closure.dependencies, kGlibcLoader)) << list(closure.dependencies);
    auto has_name = [&](const std::string& name) {
        return std::any_of(closure.dependencies.begin(), closure.dependencies.end(),
                           [&](const PlacedPath& path) { return logical_name(path.host) == name; });
    };
    EXPECT_TRUE(has_name("libc.so.6")) << list(closure.dependencies);
    EXPECT_TRUE(has_name("libgcc_s.so.1")) << list(closure.dependencies);
}

}  // namespace
}  // namespace cella::cli
