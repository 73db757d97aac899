#include "cmd_add.h"

#include <sys/stat.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "commands.h"
#include "dependency_resolver.h"
#include "image_copier.h"
#include "rooted_path.h"
#include "user_error.h"

namespace cella::cli {
namespace {

struct PlannedItem {
    PlacedPath item;
    Closure closure;
};

std::string absolute_logical(const std::string& path, const std::filesystem::path& host_root) {
    if (!path.empty() && path[0] == '/') return normalize_logical(path);
    // A relative path means the current folder, which only the real root has.
    if (host_root != "/") return normalize_logical(path);
    return normalize_logical(std::filesystem::current_path().string() + "/" + path);
}

bool is_within(const std::filesystem::path& inner, const std::filesystem::path& outer) {
    auto [outer_end, inner_it] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
    return outer_end == outer.end();
}

// Copying image/ into itself would never end; refuse it.
void check_not_the_image(const std::string& host_path, const std::filesystem::path& host_root,
                         const Instance& instance) {
    std::error_code error;
    auto item = std::filesystem::weakly_canonical(resolve_in_root(host_root, host_path, true), error);
    auto image = std::filesystem::weakly_canonical(instance.image_dir(), error);
    if (error) return;
    if (is_within(item, image) || is_within(image, item))
        throw UserError("cannot add " + host_path + ": it is or holds the instance's own image/ folder");
}

PlacedPath place_item(const std::string& host_path, const std::string& to) {
    if (to.empty()) return {host_path, host_path};
    return {host_path, logical_join(to, logical_name(host_path))};
}

std::string describe(const AddedItem& added) {
    std::string line = "added " + added.host;
    if (added.image != added.host) line += " as " + added.image;
    if (added.item_paths > 1) line += " (" + std::to_string(added.item_paths) + " files, folders and links)";
    line += ": " + std::to_string(added.dependencies) + (added.dependencies == 1 ? " dependency" : " dependencies") +
            "; " + std::to_string(added.copied) + " copied, " + std::to_string(added.unchanged) + " already up to date";
    return line;
}

}  // namespace

std::vector<AddedItem> add_to_instance(const Instance& instance, const AddRequest& request, std::ostream& out,
                                       std::ostream& err, const std::filesystem::path& host_root) {
    if (request.host_paths.empty()) throw UserError("cella add needs at least one host path");
    if (!request.to.empty() && request.to[0] != '/')
        throw UserError("--to must be an absolute folder inside the image, like /app, not " + request.to);
    std::string to = request.to.empty() ? std::string() : normalize_logical(request.to);

    // Resolve everything before copying anything, so that a missing
    // library leaves image/ as it was.
    DependencyResolver resolver(host_root);
    std::vector<PlannedItem> plan;
    for (const std::string& given : request.host_paths) {
        std::string host_path = absolute_logical(given, host_root);
        struct stat status;
        if (::lstat(resolve_in_root(host_root, host_path, false).c_str(), &status) != 0)
            throw UserError("no such file: " + given);
        if (host_path == "/") throw UserError("cannot add / itself; add the files and folders it holds");
        check_not_the_image(host_path, host_root, instance);
        PlacedPath item = place_item(host_path, to);
        plan.push_back({item, resolver.resolve(item)});
    }

    ImageCopier copier(host_root, instance.image_dir());
    std::vector<AddedItem> added_items;
    for (const PlannedItem& planned : plan) {
        const Closure& closure = planned.closure;
        for (const std::string& warning : closure.warnings) err << "cella: warning: " << warning << "\n";
        AddedItem added{planned.item.host,
                        planned.item.image,
                        closure.item.size(),
                        closure.dependencies.size() + closure.library_links.size(),
                        0,
                        0};
        auto count = [&](CopyOutcome outcome) { ++(outcome == CopyOutcome::Copied ? added.copied : added.unchanged); };
        for (const PlacedPath& path : closure.item) count(copier.copy(path));
        for (const PlacedPath& path : closure.dependencies) count(copier.copy(path));
        for (const LibraryLink& link : closure.library_links) count(copier.add_link(link));
        out << describe(added) << "\n";
        added_items.push_back(std::move(added));
    }
    return added_items;
}

void register_add_command(CLI::App& app, int& /*exit_code*/) {
    CLI::App* command = app.add_subcommand(
        "add", "Copy host files or folders into image/, with the loaders and libraries their programs need");
    struct Options {
        AddRequest request;
        std::string instance;
    };
    auto options = std::make_shared<Options>();
    command->add_option("HOSTPATH", options->request.host_paths, "Host files or folders to copy")->required();
    command->add_option("--to", options->request.to,
                        "Image folder to put the items in (default: each item at its own host path)");
    command->add_option("-C,--instance", options->instance, "Instance folder (default: the current folder)");
    command->callback([options] {
        Instance instance = Instance::open(options->instance);
        add_to_instance(instance, options->request, std::cout, std::cerr);
    });
}

}  // namespace cella::cli
