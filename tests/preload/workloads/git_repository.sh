#!/usr/bin/env bash
# git: create a repository, make commits that add, change and delete files, then read the
# history back and check the object store. Dates and identities are fixed, so every hash is too.
command -v git >/dev/null || { echo "git not installed" >&2; exit 77; }
set -e
export HOME=$PWD GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
git init -q -b main repository
cd repository
for commit in $(seq 1 40); do
  export GIT_AUTHOR_DATE="2024-01-01T00:00:$((commit % 60))Z" GIT_COMMITTER_DATE="2024-01-01T00:00:$((commit % 60))Z"
  for file in $(seq 1 $((commit % 7 + 1))); do
    seq "$commit" "$((commit * file * 37))" >"file_$file.txt"
  done
  if [ $((commit % 5)) = 0 ]; then rm -f "file_$((commit % 7 + 1)).txt"; fi
  git add -A
  git commit -q -m "commit $commit"
done
git log --stat --format='%H %an %ad %s' --date=iso
git rev-list --count HEAD
git diff --stat HEAD~10 HEAD
git gc -q
git fsck --full --strict --no-progress 2>&1
git count-objects -v | grep -v size
