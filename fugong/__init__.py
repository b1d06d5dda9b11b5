"""Fugong (复工): the system an industrial park runs to let enterprises resume work safely."""
