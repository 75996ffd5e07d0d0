/**
 * The commit point of an index home: the manifest ({@code manifest.json}, the list of files of one commit and their checksums), the home lock, and the deleter of files no commit or open reader needs.
 *
 * <p>Internal to neural-search-ann: public only so that the other packages of the module can use it; no
 * compatibility promise. The public API is {@code dev.neuralsearch.ann}.
 */
package dev.neuralsearch.ann.commit;
