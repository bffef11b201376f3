"""What teachers, the director and the privacy officer see."""
