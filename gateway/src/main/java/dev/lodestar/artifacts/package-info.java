/** Stored files: the content-addressed artifact store, upload and download over HTTP, and files logged by runs. */
package dev.lodestar.artifacts;
