"""Gaps: `aws_codecommit_repository` cannot be created, and CodeCommit holds no content.

moto 5.2.5 keeps repositories only (create, get, delete). Its CreateRepository and GetRepository
answer `creationDate`/`lastModifiedDate` as ISO strings where the Go SDK wants JSON numbers, so the
provider fails on create ("expected CreationDate to be a JSON Number") and nothing reaches state. It
ignores `tags` and `kmsKeyId`, and has no ListTagsForResource, TagResource, UntagResource,
UpdateRepositoryDescription, ListBranches (which the provider calls for `default_branch`; the
unanswered 500 is retried for minutes) or UpdateDefaultBranch. There is no way to put a file in a
repository: PutFile, CreateCommit, GetFile, GetBranch and GetCommit are all missing, so a test of
code that reacts to a commit cannot make one.

Fill:
- Repository answers serialised by the service model (dates as epoch numbers), with `tags` and
  `kmsKeyId` kept (no key is reported unless one was given); ListTagsForResource/TagResource/
  UntagResource by repository ARN; UpdateRepositoryDescription; UpdateRepositoryEncryptionKey;
  UpdateDefaultBranch (the branch must exist).
- A small git-like store per repository (dropped with it, cleared by /moto-api/reset): blobs, commits
  with parents and a flat file tree, and branches. Blob and tree ids are git's own object ids (the
  same ids `git hash-object` and `git write-tree` give); a commit id is git's commit hash of tree,
  parents, author, committer and message. PutFile and CreateCommit (putFiles with content or
  sourceFile, deleteFiles, setFileModes) follow AWS's rules: the first commit of an empty repository
  creates its branch, takes no parentCommitId and makes that branch the default; on an existing
  branch parentCommitId is required and must be the branch tip (ParentCommitIdOutdatedException
  otherwise); a commit that changes nothing is refused (SameFileContentException / NoChangeException).
  GetFile (commitSpecifier: a branch, a commit id or HEAD; default: the default branch), GetBranch,
  CreateBranch, ListBranches and GetCommit read it back.
Not emulated: merges, pull requests, differences, folders, approval rules, triggers, git over HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import Any

from platform_tools.emulator.fills import patch

# FileModeTypeEnum -> git's tree entry mode.
GIT_MODES = {"NORMAL": "100644", "EXECUTABLE": "100755", "SYMLINK": "120000"}
_MAX_FILE_BYTES = 6 * 1024 * 1024  # PutFile and CreateCommit refuse larger content
_COMMIT_ID = re.compile(r"^[0-9a-f]{40}$")


@dataclass
class FileEntry:
    blob_id: str
    mode: str  # FileModeTypeEnum


@dataclass
class Commit:
    commit_id: str
    tree_id: str
    parents: list[str]
    message: str
    author: dict[str, str]
    files: dict[str, FileEntry]


@dataclass
class Content:
    """What one repository holds: blobs by id, commits by id, branch tips by name."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)


def _git_object_id(kind: str, payload: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(payload)}\0".encode() + payload, usedforsecurity=False).hexdigest()


def git_blob_id(content: bytes) -> str:
    return _git_object_id("blob", content)


def git_tree_id(files: dict[str, FileEntry]) -> str:
    """git's id of the root tree holding `files` (paths with `/`), subtrees hashed as git does."""
    root: dict[str, Any] = {}
    for path, entry in files.items():
        *folders, name = path.split("/")
        node = root
        for folder in folders:
            node = node.setdefault(folder, {})
        node[name] = entry

    def tree(node: dict[str, Any]) -> str:
        entries = []
        for name, child in node.items():
            if isinstance(child, dict):
                entries.append((name + "/", b"40000 " + name.encode() + b"\0" + bytes.fromhex(tree(child))))
            else:
                mode = GIT_MODES[child.mode].encode()
                entries.append((name, mode + b" " + name.encode() + b"\0" + bytes.fromhex(child.blob_id)))
        # git orders entries by name, a subtree's name compared as if it ended in "/".
        return _git_object_id("tree", b"".join(raw for _, raw in sorted(entries)))

    return tree(root)


def _git_commit_id(tree_id: str, parents: list[str], author: dict[str, str], message: str) -> str:
    person = f"{author['name']} <{author['email']}> {author['date']}"
    lines = [f"tree {tree_id}", *(f"parent {parent}" for parent in parents)]
    lines += [f"author {person}", f"committer {person}", "", message]
    return _git_object_id("commit", "\n".join(lines).encode())


def content_of(repository: Any) -> Content:
    """The store kept on moto's repository object, so it goes with DeleteRepository and a reset."""
    store: Content = repository.__dict__.setdefault("fill_content", Content())
    return store


class _Changes:
    """The file tree of a commit being built from a parent's, with what changed for the answer."""

    def __init__(self, content: Content, files: dict[str, FileEntry]) -> None:
        self.content = content
        self.files = dict(files)
        self.added: list[dict[str, str]] = []
        self.updated: list[dict[str, str]] = []
        self.deleted: list[dict[str, str]] = []

    def put(self, path: str, data: bytes, mode: str) -> None:
        blob_id = git_blob_id(data)
        self.content.blobs[blob_id] = data
        previous = self.files.get(path)
        self.files[path] = FileEntry(blob_id, mode)
        listed = {"absolutePath": path, "blobId": blob_id, "fileMode": mode}
        if previous is None:
            self.added.append(listed)
        elif previous != self.files[path]:
            self.updated.append(listed)

    def delete(self, path: str) -> None:
        entry = self.files.pop(path)
        self.deleted.append({"absolutePath": path, "blobId": entry.blob_id, "fileMode": entry.mode})

    def set_mode(self, path: str, mode: str) -> None:
        entry = self.files[path]
        if entry.mode != mode:
            self.files[path] = FileEntry(entry.blob_id, mode)
            self.updated.append({"absolutePath": path, "blobId": entry.blob_id, "fileMode": mode})

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)


def apply() -> None:
    from moto.codecommit.responses import CodeCommitResponse
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.utils import iso_8601_datetime_with_milliseconds

    class CodeCommitError(ServiceException):
        """An AWS error, serialised by the service model (moto's own ServiceException would be looked
        up in a service named after its module, `core`, and fail)."""

    def fail(code: str, message: str) -> ServiceException:
        return CodeCommitError(code, message)

    def repository(self: Any) -> Any:
        name = self._get_param("repositoryName")
        if not name:
            raise fail("RepositoryNameRequiredException", "A repository name is required.")
        found = self.codecommit_backend.repositories.get(name)
        if found is None:
            raise fail("RepositoryDoesNotExistException", f"{name} does not exist")
        return found

    def by_arn(self: Any) -> Any:
        arn = self._get_param("resourceArn")
        if not arn:
            raise fail("ResourceArnRequiredException", "A valid Amazon Resource Name (ARN) is required.")
        for found in self.codecommit_backend.repositories.values():
            if found.repository_metadata["Arn"] == arn:
                return found
        if not arn.startswith("arn:") or len(arn.split(":")) != 6:
            raise fail("InvalidResourceArnException", f"The value for the resource ARN is not valid: {arn}")
        raise fail("RepositoryDoesNotExistException", f"{arn.split(':')[-1]} does not exist")

    def tags_of(found: Any) -> dict[str, str]:
        tags: dict[str, str] = found.__dict__.setdefault("fill_tags", {})
        return tags

    def touch(found: Any) -> None:
        found.repository_metadata["lastModifiedDate"] = iso_8601_datetime_with_milliseconds()

    # ------------------------------------------------------------ repositories

    original_create = CodeCommitResponse.create_repository
    original_get = CodeCommitResponse.get_repository

    def create_repository(self: Any) -> Any:
        original_create(self)  # validates the name, refuses a duplicate, stores the repository
        found = repository(self)
        tags_of(found).update(self._get_param("tags") or {})
        if self._get_param("kmsKeyId"):
            found.repository_metadata["kmsKeyId"] = self._get_param("kmsKeyId")
        return ActionResult({"repositoryMetadata": found.repository_metadata})

    def get_repository(self: Any) -> Any:
        original_get(self)  # validates the name, answers RepositoryDoesNotExistException
        return ActionResult({"repositoryMetadata": repository(self).repository_metadata})

    def update_repository_description(self: Any) -> Any:
        found = repository(self)
        found.repository_metadata["repositoryDescription"] = self._get_param("repositoryDescription")
        touch(found)
        return EmptyResult()

    def list_tags_for_resource(self: Any) -> Any:
        return ActionResult({"tags": tags_of(by_arn(self))})

    def tag_resource(self: Any) -> Any:
        tags = self._get_param("tags")
        if tags is None:
            raise fail("TagsMapRequiredException", "A map of tags is required.")
        if any(key.startswith("aws:") for key in tags):
            raise fail("InvalidSystemTagUsageException", "Tag keys starting with aws: are reserved.")
        tags_of(by_arn(self)).update(tags)
        return EmptyResult()

    def untag_resource(self: Any) -> Any:
        keys = self._get_param("tagKeys")
        if keys is None:
            raise fail("TagKeysListRequiredException", "A list of tag keys is required.")
        tags = tags_of(by_arn(self))
        for key in keys:
            tags.pop(key, None)
        return EmptyResult()

    def update_repository_encryption_key(self: Any) -> Any:
        found, key = repository(self), self._get_param("kmsKeyId")
        if not key:
            raise fail("EncryptionKeyRequiredException", "A KMS key ID is required.")
        original_key = found.repository_metadata.get("kmsKeyId")
        found.repository_metadata["kmsKeyId"] = key
        touch(found)
        answer = {"repositoryId": found.repository_metadata["repositoryId"], "kmsKeyId": key}
        return ActionResult({**answer, "originalKmsKeyId": original_key})

    # ------------------------------------------------------------ branches

    def branch_name(self: Any) -> str:
        name: str | None = self._get_param("branchName")
        if not name:
            raise fail("BranchNameRequiredException", "A branch name is required.")
        return name

    def branch_tip(content: Content, name: str) -> str:
        if name not in content.branches:
            raise fail("BranchDoesNotExistException", f"Could not find branch {name}.")
        return content.branches[name]

    def list_branches(self: Any) -> Any:
        return ActionResult({"branches": sorted(content_of(repository(self)).branches)})

    def get_branch(self: Any) -> Any:
        content, name = content_of(repository(self)), branch_name(self)
        return ActionResult({"branch": {"branchName": name, "commitId": branch_tip(content, name)}})

    def create_branch(self: Any) -> Any:
        content, name = content_of(repository(self)), branch_name(self)
        commit_id = self._get_param("commitId")
        if not commit_id:
            raise fail("CommitIdRequiredException", "A commit ID is required.")
        if name in content.branches:
            raise fail("BranchNameExistsException", f"Branch {name} already exists.")
        if commit_id not in content.commits:
            raise fail("CommitDoesNotExistException", f"Could not find commit {commit_id}.")
        content.branches[name] = commit_id
        return EmptyResult()

    def update_default_branch(self: Any) -> Any:
        found = repository(self)
        name = self._get_param("defaultBranchName")
        if not name:
            raise fail("BranchNameRequiredException", "A branch name is required.")
        branch_tip(content_of(found), name)
        found.repository_metadata["defaultBranch"] = name
        touch(found)
        return EmptyResult()

    # ------------------------------------------------------------ commits

    def parent_of(self: Any, found: Any, branch: str) -> list[str]:
        """The parent list of a new commit on `branch`, checked as AWS checks parentCommitId."""
        content, parent = content_of(found), self._get_param("parentCommitId")
        if not content.commits:  # an empty repository: the commit creates the branch
            if parent:
                raise fail("ParentCommitDoesNotExistException", f"Could not find parent commit {parent}.")
            return []
        tip = branch_tip(content, branch)
        if not parent:
            raise fail(
                "ParentCommitIdRequiredException",
                f"A parent commit ID is required: the tip of branch {branch} is {tip}.",
            )
        if not _COMMIT_ID.match(parent):
            raise fail("InvalidParentCommitIdException", f"The parent commit ID {parent} is not valid.")
        if parent not in content.commits:
            raise fail("ParentCommitDoesNotExistException", f"Could not find parent commit {parent}.")
        if parent != tip:
            raise fail(
                "ParentCommitIdOutdatedException",
                f"The parent commit ID {parent} is not the tip of branch {branch} ({tip}).",
            )
        return [parent]

    def check_path(path: str | None) -> str:
        if not path:
            raise fail("PathRequiredException", "A file path is required.")
        clean = path.strip("/")
        if not clean or any(part in ("", ".", "..") for part in clean.split("/")):
            raise fail("InvalidPathException", f"The path {path} is not valid.")
        return clean

    def check_mode(mode: str | None) -> str:
        mode = mode or "NORMAL"
        if mode not in GIT_MODES:
            raise fail("InvalidFileModeException", f"The file mode {mode} is not valid.")
        return mode

    def mode_for(given: str | None, existing: FileEntry | None) -> str:
        """The mode given, else the file's current one (an update keeps it), else NORMAL."""
        return check_mode(given or (existing.mode if existing else None))

    def check_size(data: bytes) -> bytes:
        if len(data) > _MAX_FILE_BYTES:
            raise fail("FileContentSizeLimitExceededException", "The file exceeds the 6 MB limit.")
        return data

    def commit(self: Any, found: Any, branch: str, parents: list[str], changes: _Changes, message: str) -> Commit:
        content = content_of(found)
        author = {
            "name": self._get_param("authorName") or self._get_param("name") or "AWS CodeCommit",
            "email": self._get_param("email") or "",
            "date": f"{int(time.time())} +0000",
        }
        tree_id = git_tree_id(changes.files)
        commit_id = _git_commit_id(tree_id, parents, author, message)
        created = Commit(commit_id, tree_id, parents, message, author, changes.files)
        content.commits[commit_id] = created
        content.branches[branch] = commit_id
        if "defaultBranch" not in found.repository_metadata:
            found.repository_metadata["defaultBranch"] = branch  # the first branch, as on AWS
        touch(found)
        return created

    def put(changes: _Changes, path: str, data: bytes, mode: str) -> None:
        """Put a file in the tree being built, refusing a path that clashes with a folder or a file."""
        folders = ["/".join(path.split("/")[:depth]) for depth in range(1, path.count("/") + 1)]
        if any(folder in changes.files for folder in folders):
            raise fail(
                "DirectoryNameConflictsWithFileNameException", f"A folder in {path} is a file in the repository."
            )
        if any(other.startswith(path + "/") for other in changes.files):
            raise fail("FileNameConflictsWithDirectoryNameException", f"{path} is a folder in the repository.")
        changes.put(path, data, mode)

    def base_files(found: Any, parents: list[str]) -> dict[str, FileEntry]:
        return content_of(found).commits[parents[0]].files if parents else {}

    def put_file(self: Any) -> Any:
        found, branch = repository(self), branch_name(self)
        parents = parent_of(self, found, branch)
        path = check_path(self._get_param("filePath"))
        encoded = self._get_param("fileContent")
        if encoded is None:
            raise fail("FileContentRequiredException", "The file content is required.")
        data = check_size(base64.b64decode(encoded))
        changes = _Changes(content_of(found), base_files(found, parents))
        put(changes, path, data, mode_for(self._get_param("fileMode"), changes.files.get(path)))
        if not changes.changed:
            raise fail("SameFileContentException", f"The file {path} already has this content and mode.")
        message = self._get_param("commitMessage") or f"Added {path}"
        created = commit(self, found, branch, parents, changes, message)
        blob_id = created.files[path].blob_id
        return ActionResult({"commitId": created.commit_id, "blobId": blob_id, "treeId": created.tree_id})

    def create_commit(self: Any) -> Any:
        found, branch = repository(self), branch_name(self)
        parents = parent_of(self, found, branch)
        puts = self._get_param("putFiles") or []
        deletes = self._get_param("deleteFiles") or []
        modes = self._get_param("setFileModes") or []
        if not (puts or deletes or modes):
            raise fail("FileEntryRequiredException", "At least one file to put, delete or set a mode of is required.")
        paths = [check_path(e.get("filePath")) for e in [*puts, *deletes, *modes]]
        if len(set(paths)) != len(paths):
            raise fail("SamePathRequestException", "A file path appears in more than one entry.")
        content = content_of(found)
        before = base_files(found, parents)
        changes = _Changes(content, before)
        put_paths = paths[: len(puts)]
        delete_paths = paths[len(puts) : len(puts) + len(deletes)]
        mode_paths = paths[len(puts) + len(deletes) :]
        for path in delete_paths:  # first, so that a put may take the place of a deleted file or folder
            if path not in changes.files:
                raise fail("FileDoesNotExistException", f"The file {path} does not exist.")
            changes.delete(path)
        for entry, path in zip(puts, put_paths, strict=True):
            source, inherit = entry.get("sourceFile"), changes.files.get(path)
            if source and entry.get("fileContent") is not None:
                raise fail("FileContentAndSourceFileSpecifiedException", f"{path}: give content or a source file.")
            if source:
                source_path = check_path(source.get("filePath"))
                if source_path not in before:
                    raise fail("FileDoesNotExistException", f"The source file {source_path} does not exist.")
                data, inherit = content.blobs[before[source_path].blob_id], before[source_path]
                if source.get("isMove"):
                    changes.delete(source_path)
            elif entry.get("fileContent") is not None:
                data = check_size(base64.b64decode(entry["fileContent"]))
            else:
                raise fail("SourceFileOrContentRequiredException", f"{path}: a source file or content is required.")
            put(changes, path, data, mode_for(entry.get("fileMode"), inherit))
        for entry, path in zip(modes, mode_paths, strict=True):
            if path not in changes.files:
                raise fail("FileDoesNotExistException", f"The file {path} does not exist.")
            changes.set_mode(path, check_mode(entry.get("fileMode")))
        if not changes.changed:
            raise fail("NoChangeException", "The commit changes nothing.")
        created = commit(self, found, branch, parents, changes, self._get_param("commitMessage") or "")
        return ActionResult(
            {
                "commitId": created.commit_id,
                "treeId": created.tree_id,
                "filesAdded": changes.added,
                "filesUpdated": changes.updated,
                "filesDeleted": changes.deleted,
            }
        )

    def resolve(found: Any, specifier: str | None) -> Commit:
        content = content_of(found)
        name = specifier if specifier not in (None, "", "HEAD") else found.repository_metadata.get("defaultBranch")
        commit_id = content.branches.get(name, name) if name else None
        if commit_id not in content.commits:
            raise fail("CommitDoesNotExistException", f"Could not find commit or branch {specifier or 'HEAD'}.")
        return content.commits[commit_id]

    def get_file(self: Any) -> Any:
        found = repository(self)
        path = check_path(self._get_param("filePath"))
        at = resolve(found, self._get_param("commitSpecifier"))
        entry = at.files.get(path)
        if entry is None:
            raise fail("FileDoesNotExistException", f"The file {path} does not exist in commit {at.commit_id}.")
        data = content_of(found).blobs[entry.blob_id]
        return ActionResult(
            {
                "commitId": at.commit_id,
                "blobId": entry.blob_id,
                "filePath": path,
                "fileMode": entry.mode,
                "fileSize": len(data),
                "fileContent": data,
            }
        )

    def get_commit(self: Any) -> Any:
        found, commit_id = repository(self), self._get_param("commitId")
        if not commit_id:
            raise fail("CommitIdRequiredException", "A commit ID is required.")
        if not _COMMIT_ID.match(commit_id):
            raise fail("InvalidCommitIdException", f"The commit ID {commit_id} is not valid.")
        at = content_of(found).commits.get(commit_id)
        if at is None:
            raise fail("CommitIdDoesNotExistException", f"Could not find commit {commit_id}.")
        listed = {
            "commitId": at.commit_id,
            "treeId": at.tree_id,
            "parents": at.parents,
            "message": at.message,
            "author": at.author,
            "committer": at.author,
            "additionalData": "",
        }
        return ActionResult({"commit": listed})

    for name, handler in {
        "create_repository": create_repository,
        "get_repository": get_repository,
        "update_repository_description": update_repository_description,
        "update_repository_encryption_key": update_repository_encryption_key,
        "list_tags_for_resource": list_tags_for_resource,
        "tag_resource": tag_resource,
        "untag_resource": untag_resource,
        "list_branches": list_branches,
        "get_branch": get_branch,
        "create_branch": create_branch,
        "update_default_branch": update_default_branch,
        "put_file": put_file,
        "create_commit": create_commit,
        "get_file": get_file,
        "get_commit": get_commit,
    }.items():
        patch(CodeCommitResponse, name, handler)
