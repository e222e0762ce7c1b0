/** What every page and endpoint shares: request ids, layout, and server-rendered charts. */
package dev.lodestar.web;
