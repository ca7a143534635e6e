package org.dpi.upgrade.evidence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Activity;
import org.camunda.bpm.model.bpmn.instance.Association;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.CompensateEventDefinition;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.ErrorEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Event;
import org.camunda.bpm.model.bpmn.instance.EventDefinition;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.Group;
import org.camunda.bpm.model.bpmn.instance.ParallelGateway;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.TextAnnotation;
import org.camunda.bpm.model.bpmn.instance.ThrowEvent;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.dc.Bounds;
import org.camunda.bpm.model.bpmn.instance.di.Waypoint;

/**
 * Draws a BPMN diagram from its layout (DI) as SVG, without a browser: shapes, edges and labels
 * roughly as Camunda Modeler shows them, each activity coloured by what happened to it in one
 * instance. The same SVG goes into the HTML page and, through Batik, into the PDF.
 */
public final class DiagramSvg {

  /** What an element went through in the instance; drives its colours. */
  public enum Mark {
    PASSED("#e3f4e1", "#2e7d32"), ACTIVE("#e3efff", "#1565c0"), UNDONE("#fff0d9", "#e65100"),
    INCIDENT("#fde2e1", "#c62828"), NONE("#ffffff", "#333333");

    final String fill;
    final String stroke;

    Mark(String fill, String stroke) {
      this.fill = fill;
      this.stroke = stroke;
    }
  }

  static final double FONT = 11;
  static final double CHAR_WIDTH = 5.9;
  static final double LINE = 13;
  static final int MARGIN = 20;

  private final BpmnModelInstance model;
  private final Map<String, Mark> marks;
  private final Collection<String> flowsTaken;
  private final StringBuilder svg = new StringBuilder();
  private double minX = Double.MAX_VALUE;
  private double minY = Double.MAX_VALUE;
  private double maxX = -Double.MAX_VALUE;
  private double maxY = -Double.MAX_VALUE;

  private DiagramSvg(BpmnModelInstance model, Map<String, Mark> marks, Collection<String> flowsTaken) {
    this.model = model;
    this.marks = marks;
    this.flowsTaken = flowsTaken;
  }

  /** The drawn diagram: its SVG elements (no root element) and the area they cover. */
  public record Drawing(String body, double x, double y, double width, double height) {

    /** The whole diagram as one SVG element, {@code scale} times its layout size. */
    public String svg(double scale) {
      return tile(x, width, scale);
    }

    /** The part of the diagram between {@code fromX} and {@code fromX + tileWidth} as one SVG element. */
    public String tile(double fromX, double tileWidth, double scale) {
      return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
          + "viewBox=\"%.1f %.1f %.1f %.1f\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"%.0f\">"
          + "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
          + "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333333\"/></marker>"
          + "<marker id=\"arrow-taken\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
          + "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker></defs>%s</svg>",
          tileWidth * scale, height * scale, fromX, y, tileWidth, height, FONT, Mark.PASSED.stroke, body);
    }
  }

  /**
   * Draws {@code model}: elements in {@code marks} get that mark's colours, sequence flows in
   * {@code flowsTaken} are drawn as taken.
   */
  public static Drawing draw(BpmnModelInstance model, Map<String, Mark> marks, Collection<String> flowsTaken) {
    return new DiagramSvg(model, marks, flowsTaken).draw();
  }

  private Drawing draw() {
    List<BpmnShape> shapes = new ArrayList<>(model.getModelElementsByType(BpmnShape.class));
    // containers first, so that what they contain is drawn over them
    shapes.sort((a, b) -> Integer.compare(layer(a.getBpmnElement()), layer(b.getBpmnElement())));
    for (BpmnShape shape : shapes) {
      shape(shape);
    }
    for (BpmnEdge edge : model.getModelElementsByType(BpmnEdge.class)) {
      edge(edge);
    }
    if (minX > maxX) {
      return new Drawing("", 0, 0, 100, 100);
    }
    return new Drawing(svg.toString(), minX - MARGIN, minY - MARGIN, maxX - minX + 2 * MARGIN, maxY - minY + 2 * MARGIN);
  }

  private static int layer(BaseElement element) {
    if (element instanceof Group) {
      return 0;
    }
    if (element instanceof SubProcess) {
      return 1;
    }
    return element instanceof BoundaryEvent ? 3 : 2;
  }

  private void shape(BpmnShape shape) {
    BaseElement element = shape.getBpmnElement();
    Bounds b = shape.getBounds();
    if (element == null || b == null) {
      return;
    }
    double x = b.getX();
    double y = b.getY();
    double w = b.getWidth();
    double h = b.getHeight();
    extend(x, y, w, h);
    Mark mark = marks.getOrDefault(element.getId(), Mark.NONE);
    String name = element instanceof FlowElement flow ? flow.getName() : null;
    if (element instanceof Group group) {
      rect(x, y, w, h, 10, "none", "#888888", 1.5, "stroke-dasharray=\"8 4 2 4\"");
      String label = group.getCategory() == null ? null : group.getCategory().getValue();
      text(label, x + 6, y + 4, w - 12, "start", "#555555", true);
    } else if (element instanceof SubProcess sub) {
      String dash = sub.triggeredByEvent() ? " stroke-dasharray=\"4 3\"" : "";
      rect(x, y, w, h, 10, mark == Mark.NONE ? "#ffffff" : mark.fill, mark.stroke, 1.5, dash.trim());
      text(name, x + 8, y + 6, w - 16, "start", "#222222", true);
    } else if (element instanceof Activity activity) {
      rect(x, y, w, h, 10, mark.fill, mark.stroke, mark == Mark.NONE ? 1.5 : 2.5, "");
      typeMarker(activity, x, y);
      if (activity.isForCompensation()) {
        compensationMarker(x + w / 2 - 8, y + h - 14, false, mark.stroke);
      }
      centred(name, x, y, w, h);
    } else if (element instanceof Event event) {
      event(event, x, y, w, h, mark);
      label(shape, name, x, y, w, h);
    } else if (element instanceof Gateway gateway) {
      gateway(gateway, x, y, w, h, mark);
      label(shape, name, x, y, w, h);
    } else if (element instanceof TextAnnotation annotation) {
      svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f,%.1f h-10 v%.1f h10\" fill=\"none\" stroke=\"#666666\"/>",
          x + 10, y, h));
      text(annotation.getText() == null ? null : annotation.getText().getTextContent(), x + 4, y + 4, w - 8, "start", "#333333", false);
    }
  }

  private void event(Event event, double x, double y, double w, double h, Mark mark) {
    double cx = x + w / 2;
    double cy = y + h / 2;
    double r = Math.min(w, h) / 2;
    double stroke = event instanceof EndEvent ? 4 : 1.5;
    circle(cx, cy, r, mark.fill, mark.stroke, stroke);
    if (!(event instanceof StartEvent) && !(event instanceof EndEvent)) {
      circle(cx, cy, r - 3, "none", mark.stroke, 1);
    }
    Collection<EventDefinition> definitions = definitions(event);
    boolean filled = event instanceof ThrowEvent;
    for (EventDefinition definition : definitions) {
      if (definition instanceof CompensateEventDefinition) {
        compensationMarker(cx - 8, cy - 5, filled, mark.stroke);
      } else if (definition instanceof ErrorEventDefinition) {
        svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f z\" "
                + "fill=\"%s\" stroke=\"%s\" stroke-width=\"1\"/>", cx - 8, cy + 8, cx - 3, cy - 7, cx + 1, cy + 1, cx + 8,
            cy - 8, cx + 3, cy + 7, cx - 1, cy - 1, filled ? mark.stroke : "none", mark.stroke));
      }
    }
  }

  private static Collection<EventDefinition> definitions(Event event) {
    return event.getChildElementsByType(EventDefinition.class);
  }

  private void gateway(Gateway gateway, double x, double y, double w, double h, Mark mark) {
    double cx = x + w / 2;
    double cy = y + h / 2;
    svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f z\" fill=\"%s\" stroke=\"%s\" "
        + "stroke-width=\"%.1f\"/>", cx, y, x + w, cy, cx, y + h, x, cy, mark.fill, mark.stroke, mark == Mark.NONE ? 1.5 : 2.5));
    if (gateway instanceof ExclusiveGateway) {
      svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f\" stroke=\"%s\" "
          + "stroke-width=\"3\"/>", cx - 8, cy - 8, cx + 8, cy + 8, cx + 8, cy - 8, cx - 8, cy + 8, mark.stroke));
    } else if (gateway instanceof ParallelGateway) {
      svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f\" stroke=\"%s\" "
          + "stroke-width=\"3\"/>", cx, cy - 11, cx, cy + 11, cx - 11, cy, cx + 11, cy, mark.stroke));
    }
  }

  /** A small word in the corner saying who performs the task. */
  private void typeMarker(Activity activity, double x, double y) {
    String kind = activity instanceof UserTask ? "person" : activity instanceof ServiceTask ? "automated" : null;
    if (kind != null) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"8\" fill=\"#777777\">%s</text>",
          x + 6, y + 11, kind));
    }
  }

  private void compensationMarker(double x, double y, boolean filled, String colour) {
    String fill = filled ? colour : "none";
    svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f,%.1f l8,-5 v10 z M%.1f,%.1f l8,-5 v10 z\" fill=\"%s\" "
        + "stroke=\"%s\" stroke-width=\"1\"/>", x, y + 5, x + 8, y + 5, fill, colour));
  }

  private void label(BpmnShape shape, String name, double x, double y, double w, double h) {
    if (name == null || name.isBlank()) {
      return;
    }
    Bounds label = shape.getBpmnLabel() == null ? null : shape.getBpmnLabel().getBounds();
    if (label != null) {
      extend(label.getX(), label.getY(), label.getWidth(), label.getHeight());
      text(name, label.getX() + label.getWidth() / 2, label.getY(), Math.max(label.getWidth(), 60), "middle", "#222222", false);
    } else {
      extend(x - 30, y + h, w + 60, 30);
      text(name, x + w / 2, y + h + 4, 90, "middle", "#222222", false);
    }
  }

  private void edge(BpmnEdge edge) {
    BaseElement element = edge.getBpmnElement();
    List<Waypoint> points = new ArrayList<>(edge.getWaypoints());
    if (element == null || points.size() < 2) {
      return;
    }
    StringBuilder d = new StringBuilder();
    for (Waypoint p : points) {
      d.append(d.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f,%.1f", p.getX(), p.getY()));
      extend(p.getX(), p.getY(), 0, 0);
    }
    if (element instanceof SequenceFlow flow) {
      boolean taken = flowsTaken.contains(flow.getId());
      svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" marker-end=\"url(#%s)\"/>",
          d, taken ? Mark.PASSED.stroke : "#333333", taken ? "2.5" : "1.2", taken ? "arrow-taken" : "arrow"));
      String name = flow.getName();
      if (name != null && !name.isBlank()) {
        Bounds label = edge.getBpmnLabel() == null ? null : edge.getBpmnLabel().getBounds();
        double lx = label != null ? label.getX() + label.getWidth() / 2 : (points.get(0).getX() + points.get(1).getX()) / 2;
        double ly = label != null ? label.getY() : (points.get(0).getY() + points.get(1).getY()) / 2 - LINE;
        text(name, lx, ly, label != null ? Math.max(label.getWidth(), 50) : 90, "middle", "#222222", false);
      }
    } else if (element instanceof Association association) {
      boolean directed = association.getAssociationDirection() != null
          && !"None".equalsIgnoreCase(association.getAssociationDirection().toString());
      svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"#666666\" stroke-width=\"1\" "
          + "stroke-dasharray=\"2 3\"%s/>", d, directed ? " marker-end=\"url(#arrow)\"" : ""));
    }
  }

  private void rect(double x, double y, double w, double h, double r, String fill, String stroke, double width, String extra) {
    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.0f\" ry=\"%.0f\" "
        + "fill=\"%s\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>", x, y, w, h, r, r, fill, stroke, width,
        extra.isEmpty() ? "" : " " + extra));
  }

  private void circle(double cx, double cy, double r, String fill, String stroke, double width) {
    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"%s\" "
        + "stroke-width=\"%.1f\"/>", cx, cy, r, fill, stroke, width));
  }

  /** The name wrapped and centred inside a task. */
  private void centred(String text, double x, double y, double w, double h) {
    List<String> lines = wrap(text, w - 12);
    double top = y + h / 2 - lines.size() * LINE / 2 + FONT - 2;
    for (int i = 0; i < lines.size(); i++) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#111111\">%s</text>",
          x + w / 2, top + i * LINE, Html.escape(lines.get(i))));
    }
  }

  private void text(String text, double x, double top, double width, String anchor, String colour, boolean bold) {
    List<String> lines = wrap(text, width);
    for (int i = 0; i < lines.size(); i++) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\"%s>%s</text>",
          x, top + FONT + i * LINE, anchor, colour, bold ? " font-weight=\"bold\"" : "", Html.escape(lines.get(i))));
    }
  }

  /** Greedy word wrap by an average character width (no font metrics without a renderer). */
  static List<String> wrap(String text, double width) {
    List<String> lines = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return lines;
    }
    int perLine = Math.max(6, (int) (width / CHAR_WIDTH));
    StringBuilder line = new StringBuilder();
    for (String word : text.trim().split("\\s+")) {
      if (!line.isEmpty() && line.length() + 1 + word.length() > perLine) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.isEmpty() ? "" : " ").append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  private void extend(double x, double y, double w, double h) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + w);
    maxY = Math.max(maxY, y + h);
  }
}
