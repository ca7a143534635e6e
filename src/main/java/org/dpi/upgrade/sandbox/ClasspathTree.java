package org.dpi.upgrade.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** Copies a folder of the application's classpath (a directory, or inside the jar) to disk. */
final class ClasspathTree {

  private ClasspathTree() {
  }

  /** Every file under classpath folder {@code root} to the same relative path under {@code target}; returns the count. */
  static int copy(String root, Path target) throws IOException {
    int count = 0;
    for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:" + root + "/**")) {
      String url = resource.getURL().toString();
      if (url.endsWith("/") || !resource.isReadable()) {
        continue;
      }
      Path file = target.resolve(url.substring(url.lastIndexOf(root + "/") + root.length() + 1));
      Files.createDirectories(file.getParent());
      try (InputStream in = resource.getInputStream()) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
      count++;
    }
    if (count == 0) {
      throw new IOException("classpath folder " + root + " is empty or missing: the application is incomplete");
    }
    return count;
  }
}
