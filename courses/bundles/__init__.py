"""Course bundles: a course as one archive, to move it between portals (README, "Course
bundles"). `manifest` is the format (pure), `export` writes it as a stream, `importer` and
`records` read it back all or nothing, `jobs` runs uploaded imports on a worker, `views` are the
educator pages; the commands are `export_course` and `import_course`."""
