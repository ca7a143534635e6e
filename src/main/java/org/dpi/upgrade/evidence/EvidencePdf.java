package org.dpi.upgrade.evidence;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints the evidence pack's XHTML to PDF with OpenHTMLtoPDF (PDFBox), the diagram's SVG through
 * Batik. Text is set in DejaVu Sans (Debian package fonts-dejavu-core) when installed, which covers
 * the arrows, accents and non-Latin names the PDF's built-in fonts lack.
 */
public final class EvidencePdf {

  static final Path FONTS = Path.of("/usr/share/fonts/truetype/dejavu");

  record Font(String file, String family, int weight, FontStyle style) {
  }

  static final List<Font> DEJAVU = List.of(
      new Font("DejaVuSans.ttf", "DejaVu Sans", 400, FontStyle.NORMAL),
      new Font("DejaVuSans-Bold.ttf", "DejaVu Sans", 700, FontStyle.NORMAL),
      new Font("DejaVuSansMono.ttf", "DejaVu Sans Mono", 400, FontStyle.NORMAL),
      new Font("DejaVuSansMono-Bold.ttf", "DejaVu Sans Mono", 700, FontStyle.NORMAL));

  private EvidencePdf() {
  }

  public static byte[] render(Evidence evidence) {
    ByteArrayOutputStream pdf = new ByteArrayOutputStream();
    PdfRendererBuilder builder = new PdfRendererBuilder().useFastMode().useSVGDrawer(new BatikSVGDrawer());
    for (Font font : DEJAVU) {
      Path file = FONTS.resolve(font.file());
      if (Files.isReadable(file)) {
        builder.useFont(file.toFile(), font.family(), font.weight(), font.style(), true);
      }
    }
    try {
      builder.withHtmlContent(EvidenceHtml.forPrint(evidence), null).withProducer("Upgrade Orchestrator").toStream(pdf).run();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot print the evidence pack of " + evidence.run().id(), e);
    }
    return pdf.toByteArray();
  }
}
